//! Tests of the Swagger 2.0 conversion.

use super::*;

#[test]
fn converts_the_parts_that_moved() {
    let doc = json!({
        "swagger": "2.0",
        "info": {"title": "Pets", "version": "1"},
        "host": "pets.example", "basePath": "/v1", "schemes": ["https"],
        "produces": ["application/json"],
        "securityDefinitions": {"key": {"type": "apiKey", "name": "api_key", "in": "header"}},
        "definitions": {"Pet": {"type": "object", "properties": {"tag": {"type": "string", "x-nullable": true}}}},
        "paths": {"/pets": {
            "get": {"parameters": [{"name": "tags", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "csv"}],
                    "responses": {"200": {"description": "OK", "schema": {"type": "array", "items": {"$ref": "#/definitions/Pet"}}}}},
            "post": {"consumes": ["application/json"],
                     "parameters": [{"name": "pet", "in": "body", "required": true, "schema": {"$ref": "#/definitions/Pet"}}],
                     "responses": {"201": {"description": "Created"}}}
        }}
    });
    let out = convert(&doc);
    assert_eq!(out["openapi"], "3.0.3");
    assert_eq!(out["servers"], json!([{"url": "https://pets.example/v1"}]));
    assert_eq!(
        out["components"]["schemas"]["Pet"]["properties"]["tag"]["nullable"],
        true
    );
    assert_eq!(
        out["components"]["securitySchemes"]["key"],
        json!({"type": "apiKey", "name": "api_key", "in": "header"})
    );
    let get = &out["paths"]["/pets"]["get"];
    assert_eq!(
        get["parameters"][0]["schema"],
        json!({"type": "array", "items": {"type": "string"}})
    );
    assert_eq!(get["parameters"][0]["style"], "form");
    assert_eq!(
        get["responses"]["200"]["content"]["application/json"]["schema"]["items"]["$ref"],
        "#/components/schemas/Pet"
    );
    let post = &out["paths"]["/pets"]["post"];
    assert!(post.get("parameters").is_none());
    assert_eq!(post["requestBody"]["required"], true);
    assert_eq!(
        post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Pet"
    );
}

#[test]
fn form_parameters_become_a_form_body() {
    let doc = json!({
        "swagger": "2.0", "info": {"title": "T", "version": "1"},
        "paths": {"/upload": {"post": {
            "consumes": ["multipart/form-data"],
            "parameters": [
                {"name": "file", "in": "formData", "type": "file", "required": true},
                {"name": "note", "in": "formData", "type": "string"}
            ],
            "responses": {"200": {"description": "OK"}}
        }}}
    });
    let out = convert(&doc);
    let schema =
        &out["paths"]["/upload"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"];
    assert_eq!(
        schema["properties"]["file"],
        json!({"type": "string", "format": "binary"})
    );
    assert_eq!(schema["required"], json!(["file"]));
}
