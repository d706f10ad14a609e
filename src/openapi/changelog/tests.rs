use serde_json::{json, Value};

use super::*;

/// The changelog of real documents (`@readme/oas-examples`).
mod documents;

fn doc(paths: Value) -> Value {
    json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": paths})
}

fn doc_with(paths: Value, schemas: Value) -> Value {
    let mut d = doc(paths);
    d["components"] = json!({ "schemas": schemas });
    d
}

/// A GET /pets/{id} with these parameters and a 200 response of this schema.
fn get_pet(parameters: Value, schema: Value) -> Value {
    let mut all =
        vec![json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}})];
    all.extend(parameters.as_array().cloned().unwrap_or_default());
    json!({"/pets/{id}": {"get": {
        "parameters": all,
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}}
    }}})
}

/// A POST /pets with this request body.
fn post_pet(body: Value) -> Value {
    json!({"/pets": {"post": {"requestBody": body, "responses": {"201": {"description": "Created"}}}}})
}

fn json_body(schema: Value, required: bool) -> Value {
    json!({"required": required, "content": {"application/json": {"schema": schema}}})
}

/// The changes of the one changed operation, as `(breaking, text)`.
fn changes(old: &Value, new: &Value) -> Vec<(bool, String)> {
    let log = diff(old, new);
    assert!(log.added.is_empty() && log.removed.is_empty(), "{log:?}");
    log.changed
        .iter()
        .flat_map(|op| op.changes.iter().map(|c| (c.breaking, c.text.clone())))
        .collect()
}

fn breaking(text: &str) -> (bool, String) {
    (true, text.to_owned())
}

fn compatible(text: &str) -> (bool, String) {
    (false, text.to_owned())
}

#[test]
fn operations_added_and_removed() {
    let old = doc(
        json!({"/pets": {"get": {"summary": "List pets", "responses": {}}, "delete": {"responses": {}}}}),
    );
    let new = doc(
        json!({"/pets": {"get": {"summary": "List pets", "responses": {}}, "post": {"responses": {}}}}),
    );
    let log = diff(&old, &new);
    assert_eq!(log.added.len(), 1);
    assert_eq!(
        (log.added[0].method.as_str(), log.added[0].path.as_str()),
        ("POST", "/pets")
    );
    assert!(!log.added[0].changes[0].breaking);
    assert_eq!(log.removed.len(), 1);
    assert_eq!(log.removed[0].title, "DELETE /pets");
    assert!(log.removed[0].changes[0].breaking);
    assert!(
        log.changed.is_empty(),
        "an unchanged operation is not listed"
    );
    assert_eq!(
        log.summary(),
        "1 breaking change, 1 operation added, 1 operation removed"
    );
}

#[test]
fn renaming_a_path_parameter_changes_nothing() {
    let old = doc(get_pet(json!([]), json!({"type": "string"})));
    let mut renamed = get_pet(json!([]), json!({"type": "string"}));
    let op = renamed["/pets/{id}"].clone();
    renamed = json!({"/pets/{petId}": op});
    renamed["/pets/{petId}"]["get"]["parameters"][0]["name"] = json!("petId");
    assert_eq!(diff(&old, &doc(renamed)), Changelog::default());
}

#[test]
fn parameters_added_removed_and_made_required() {
    let limit = |required: bool| json!({"name": "limit", "in": "query", "required": required, "schema": {"type": "integer"}});
    let old = doc(get_pet(
        json!([limit(false), {"name": "sort", "in": "query"}]),
        json!({}),
    ));
    let new = doc(get_pet(
        json!([limit(true), {"name": "page", "in": "query"}, {"name": "X-Tenant", "in": "header", "required": true}]),
        json!({}),
    ));
    assert_eq!(
        changes(&old, &new),
        [
            breaking(
                "The query parameter `limit` is now required: calls without it will be refused."
            ),
            breaking(
                "The query parameter `sort` was removed: clients that send it may be refused."
            ),
            compatible("Added the optional query parameter `page`."),
            breaking(
                "Added the required header parameter `X-Tenant`: calls without it will be refused."
            ),
        ]
    );
    // And back: no longer required is compatible.
    let back = changes(&new, &old);
    assert!(
        back.contains(&compatible(
            "The query parameter `limit` is no longer required."
        )),
        "{back:?}"
    );
}

#[test]
fn a_parameter_type_change_or_enum_value_removed_breaks() {
    let param = |schema: Value| json!([{"name": "status", "in": "query", "schema": schema}]);
    let old = doc(get_pet(
        param(json!({"type": "string", "enum": ["available", "sold"]})),
        json!({}),
    ));
    let new = doc(get_pet(
        param(json!({"type": "string", "enum": ["available", "pending"]})),
        json!({}),
    ));
    assert_eq!(
        changes(&old, &new),
        [
            breaking("The query parameter `status` no longer accepts `sold`: calls that send it will be refused."),
            compatible("The query parameter `status` now also accepts `pending`."),
        ]
    );
    let new = doc(get_pet(param(json!({"type": "integer"})), json!({})));
    assert_eq!(
        changes(&old, &new),
        [breaking(
            "The type of the query parameter `status` changed from string to integer."
        )]
    );
    // Widening what a request accepts is compatible.
    let int = doc(get_pet(param(json!({"type": "integer"})), json!({})));
    let number = doc(get_pet(param(json!({"type": "number"})), json!({})));
    assert_eq!(
        changes(&int, &number),
        [compatible(
            "The type of the query parameter `status` changed from integer to number."
        )]
    );
}

#[test]
fn request_bodies_becoming_required_or_gaining_required_properties_break() {
    let pet = json!({"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "tag": {"type": "string"}}});
    let old = doc(post_pet(json_body(pet.clone(), false)));
    let mut stricter = pet.clone();
    stricter["required"] = json!(["name", "tag", "owner"]);
    stricter["properties"]["owner"] = json!({"type": "string"});
    stricter["properties"]["colour"] = json!({"type": "string"});
    let new = doc(post_pet(json_body(stricter, true)));
    assert_eq!(
        changes(&old, &new),
        [
            breaking("The request body is now required: calls without one will be refused."),
            breaking("The property `tag` of the request body is now required: calls without it will be refused."),
            breaking("Added the required property `owner` of the request body, which is required: calls without it will be refused."),
            compatible("Added the property `colour` of the request body."),
        ]
    );
    let none = doc(json!({"/pets": {"post": {"responses": {"201": {"description": "Created"}}}}}));
    assert_eq!(
        changes(&none, &doc(post_pet(json_body(pet.clone(), true)))),
        [breaking(
            "A request body is now required: calls without one will be refused."
        )]
    );
    assert_eq!(
        changes(&none, &doc(post_pet(json_body(pet, false)))),
        [compatible("An optional request body was added.")]
    );
}

#[test]
fn request_enum_values_and_media_types() {
    let body = |values: Value, media: &str| json!({"content": {media: {"schema": {"type": "object", "properties": {"kind": {"type": "string", "enum": values}}}}}});
    let old = doc(post_pet(body(json!(["cat", "dog"]), "application/json")));
    let new = doc(post_pet(body(json!(["cat"]), "application/json")));
    assert_eq!(
        changes(&old, &new),
        [breaking("The property `kind` of the request body no longer accepts `dog`: calls that send it will be refused.")]
    );
    let xml = doc(post_pet(body(json!(["cat", "dog"]), "application/xml")));
    assert_eq!(
        changes(&old, &xml),
        [
            breaking("The request body can no longer be sent as application/json: clients that send it will be refused."),
            compatible("The request body can now also be sent as application/xml."),
        ]
    );
}

#[test]
fn removing_a_success_response_breaks_and_an_error_response_does_not() {
    let responses = |codes: &[&str]| {
        let map: serde_json::Map<String, Value> = codes
            .iter()
            .map(|c| ((*c).to_owned(), json!({"description": "x"})))
            .collect();
        doc(json!({"/pets": {"get": {"responses": map}}}))
    };
    assert_eq!(
        changes(&responses(&["200", "404"]), &responses(&["201"])),
        [
            breaking("The 200 response was removed: clients that expect it will fail."),
            compatible("The 404 response is no longer documented."),
            compatible("Added the 201 response."),
        ]
    );
}

#[test]
fn response_properties_removed_retyped_or_made_optional_break() {
    let old = doc_with(
        get_pet(json!([]), json!({"$ref": "#/components/schemas/Pet"})),
        json!({
            "Pet": {"type": "object", "required": ["id", "name"], "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"},
                "owner": {"$ref": "#/components/schemas/Owner"}, "status": {"type": "string", "enum": ["a"]}
            }},
            "Owner": {"type": "object", "properties": {"name": {"type": "string"}, "email": {"type": "string"}}}
        }),
    );
    let new = doc_with(
        get_pet(json!([]), json!({"$ref": "#/components/schemas/Pet"})),
        json!({
            "Pet": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string"}, "name": {"type": "string"},
                "owner": {"$ref": "#/components/schemas/Person"}, "status": {"type": "string", "enum": ["a", "b"]},
                "age": {"type": "integer"}
            }},
            "Person": {"type": "object", "properties": {"name": {"type": "string"}}}
        }),
    );
    assert_eq!(
        changes(&old, &new),
        [
            breaking("The type of the property `id` of the 200 response changed from integer to string."),
            breaking("The property `name` of the 200 response may now be absent: clients that rely on it may fail."),
            breaking("The property `owner.email` of the 200 response was removed: clients that read it will fail."),
            compatible("The property `status` of the 200 response may now also be `b`: handle values you do not know."),
            compatible("Added the property `age` of the 200 response."),
        ]
    );
}

#[test]
fn arrays_and_all_of_are_compared_through() {
    let list = |pet: Value| {
        doc_with(
            get_pet(
                json!([]),
                json!({"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}),
            ),
            json!({"Pet": pet, "Base": {"type": "object", "properties": {"id": {"type": "integer"}}}}),
        )
    };
    let old = list(
        json!({"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"name": {"type": "string"}}}]}),
    );
    let new = list(json!({"allOf": [{"$ref": "#/components/schemas/Base"}]}));
    assert_eq!(
        changes(&old, &new),
        [breaking("The property `name` of each item of the 200 response was removed: clients that read it will fail.")]
    );
}

#[test]
fn recursive_schemas_end() {
    let tree = |leaf: &str| {
        doc_with(
            get_pet(json!([]), json!({"$ref": "#/components/schemas/Node"})),
            json!({
                "Node": {"type": "object", "properties": {
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                    "parent": {"$ref": "#/components/schemas/Node"},
                    "loop": {"$ref": "#/components/schemas/A"},
                    "value": {"type": leaf}
                }},
                "A": {"$ref": "#/components/schemas/B"},
                "B": {"$ref": "#/components/schemas/A"}
            }),
        )
    };
    assert_eq!(
        changes(&tree("string"), &tree("integer")),
        [breaking(
            "The type of the property `value` of the 200 response changed from string to integer."
        )]
    );
    assert!(diff(&tree("string"), &tree("string")).is_empty());
}

#[test]
fn deprecation_and_credentials() {
    let old = doc(json!({"/pets": {"get": {"responses": {}}}}));
    let mut new = doc(json!({"/pets": {"get": {"deprecated": true, "responses": {}}}}));
    new["security"] = json!([{"api_key": []}]);
    assert_eq!(
        changes(&old, &new),
        [
            compatible("The operation is now deprecated: plan to stop calling it."),
            breaking("The operation now requires credentials: calls without them will be refused."),
        ]
    );
}

#[test]
fn descriptions_are_not_compared() {
    let old = doc(
        json!({"/pets": {"get": {"summary": "A", "description": "B", "responses": {"200": {"description": "C"}}}}}),
    );
    let new = doc(
        json!({"/pets": {"get": {"summary": "X", "description": "Y", "responses": {"200": {"description": "Z"}}}}}),
    );
    assert!(diff(&old, &new).is_empty());
}
