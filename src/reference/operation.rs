//! One operation as its reference page shows it: parameters, request body,
//! responses and the security that applies, `$ref`s followed.

use oas3::spec::SecurityScheme;
use serde_json::Value;

use super::sample;
use super::schema::{json_text, Builder, Shape};
use crate::openapi::operations::Operation;

/// Where a parameter goes, in the order a page lists them.
pub const LOCATIONS: [&str; 4] = ["path", "query", "header", "cookie"];

#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub name: String,
    /// `path`, `query`, `header` or `cookie`.
    pub location: String,
    pub required: bool,
    pub deprecated: bool,
    pub description: String,
    pub shape: Shape,
    /// A value to show and to prefill: the document's example, or one made
    /// from the schema.
    pub example: Value,
    /// True when the example is the document's own.
    pub documented_example: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    pub media_type: String,
    pub shape: Option<Shape>,
    /// The example, as text (JSON pretty-printed).
    pub example: Option<String>,
    /// The example as JSON, to prefill the console and samples.
    pub example_value: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub description: String,
    pub required: bool,
    pub contents: Vec<Content>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub name: String,
    pub type_label: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// `200`, `4XX` or `default`.
    pub status: String,
    pub description: String,
    pub headers: Vec<Header>,
    pub contents: Vec<Content>,
}

/// One way of proving who calls, as the API's document declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    pub name: String,
    /// A sentence: `An API key in the header X-Key.`
    pub summary: String,
    pub description: String,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OperationView {
    pub operation: Operation,
    pub parameters: Vec<Parameter>,
    pub body: Option<Body>,
    pub responses: Vec<Response>,
    /// Each inner list is one way to authenticate (all its schemes together).
    pub security: Vec<Vec<Scheme>>,
    /// The document allows calls without credentials (`{}` among the options).
    pub anonymous: bool,
}

/// The view of an operation, with schemas built by the page's builder.
pub fn view<'a>(doc: &'a Value, operation: &Operation, builder: &mut Builder<'a>) -> OperationView {
    let op = doc.pointer(&operation.pointer).unwrap_or(&Value::Null);
    let item_pointer = operation
        .pointer
        .rsplit_once('/')
        .map(|(item, _)| item)
        .unwrap_or_default();
    let item = doc.pointer(item_pointer).unwrap_or(&Value::Null);

    // Operation parameters override path-item ones of the same name and place.
    let mut raw: Vec<&'a Value> = Vec::new();
    for source in [&item["parameters"], &op["parameters"]] {
        for parameter in source.as_array().into_iter().flatten() {
            let p = builder.deref(parameter);
            let key = (p["name"].as_str(), p["in"].as_str());
            raw.retain(|q| (q["name"].as_str(), q["in"].as_str()) != key);
            raw.push(p);
        }
    }
    let mut parameters: Vec<Parameter> = raw
        .into_iter()
        .filter(|p| p["name"].is_string())
        .map(|p| parameter(doc, p, builder))
        .collect();
    parameters.sort_by_key(|p| LOCATIONS.iter().position(|l| *l == p.location).unwrap_or(4));

    let body = op.get("requestBody").map(|b| {
        let b = builder.deref(b);
        Body {
            description: text(b, "description"),
            required: b["required"].as_bool().unwrap_or(false),
            contents: contents(doc, &b["content"], builder),
        }
    });

    let responses = op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(status, _)| !status.starts_with("x-"))
        .map(|(status, r)| {
            let r = builder.deref(r);
            Response {
                status: status.clone(),
                description: text(r, "description"),
                headers: r["headers"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, h)| {
                        let h = builder.deref(h);
                        Header {
                            name: name.clone(),
                            type_label: super::schema::type_label_of(doc, &h["schema"]),
                            description: text(h, "description"),
                        }
                    })
                    .collect(),
                contents: contents(doc, &r["content"], builder),
            }
        })
        .collect();

    let requirements = op.get("security").unwrap_or(&doc["security"]);
    let (security, anonymous) = security(doc, requirements);
    OperationView {
        operation: operation.clone(),
        parameters,
        body,
        responses,
        security,
        anonymous,
    }
}

fn parameter<'a>(doc: &'a Value, p: &'a Value, builder: &mut Builder<'a>) -> Parameter {
    // A parameter has a schema, or a `content` map with one media type.
    let schema = p.get("schema").or_else(|| {
        p["content"]
            .as_object()
            .and_then(|c| c.values().next())
            .and_then(|m| m.get("schema"))
    });
    let documented = p
        .get("example")
        .cloned()
        .or_else(|| first_example(doc, &p["examples"]));
    let documented_example = documented.is_some();
    let example = documented.unwrap_or_else(|| match schema {
        Some(schema) => sample::value_for(doc, schema),
        None => Value::String(String::new()),
    });
    Parameter {
        name: p["name"].as_str().unwrap_or_default().to_owned(),
        location: p["in"].as_str().unwrap_or("query").to_owned(),
        required: p["required"].as_bool().unwrap_or(false) || p["in"] == "path",
        deprecated: p["deprecated"].as_bool().unwrap_or(false),
        description: text(p, "description"),
        shape: schema.map(|s| builder.shape(s)).unwrap_or_default(),
        example,
        documented_example,
    }
}

fn contents<'a>(doc: &'a Value, content: &'a Value, builder: &mut Builder<'a>) -> Vec<Content> {
    content
        .as_object()
        .into_iter()
        .flatten()
        .map(|(media_type, media)| {
            let schema = media.get("schema");
            let documented = media
                .get("example")
                .cloned()
                .or_else(|| first_example(doc, &media["examples"]));
            let is_json = media_type.contains("json");
            let example_value = documented.or_else(|| {
                schema
                    .filter(|_| is_json)
                    .map(|s| sample::value_for(doc, s))
            });
            Content {
                media_type: media_type.clone(),
                shape: schema.map(|s| builder.shape(s)),
                example: example_value.as_ref().map(|v| match v {
                    Value::String(s) if !is_json => s.clone(),
                    other => cap(sample::pretty(other)),
                }),
                example_value,
            }
        })
        .collect()
}

/// Examples longer than this are cut on the page (the download has them).
const EXAMPLE_LIMIT: usize = 16 * 1024;

fn cap(text: String) -> String {
    if text.len() <= EXAMPLE_LIMIT {
        return text;
    }
    let mut end = EXAMPLE_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n... (example cut at 16 KB)", &text[..end])
}

/// The value of the first entry of an `examples` map (`$ref`s followed).
fn first_example(doc: &Value, examples: &Value) -> Option<Value> {
    let first = examples.as_object()?.values().next()?;
    let (example, _) = super::schema::deref(doc, first);
    example.get("value").cloned()
}

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().trim().to_owned()
}

/// The security requirements that apply, each scheme described.
fn security(doc: &Value, requirements: &Value) -> (Vec<Vec<Scheme>>, bool) {
    let mut options = Vec::new();
    let mut anonymous = false;
    for requirement in requirements.as_array().into_iter().flatten() {
        let Some(requirement) = requirement.as_object() else {
            continue;
        };
        if requirement.is_empty() {
            anonymous = true;
            continue;
        }
        options.push(
            requirement
                .iter()
                .map(|(name, scopes)| {
                    let definition = &doc["components"]["securitySchemes"][name];
                    let (summary, description) = describe_scheme(definition);
                    Scheme {
                        name: name.clone(),
                        summary,
                        description,
                        scopes: scopes
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(json_text)
                            .collect(),
                    }
                })
                .collect(),
        );
    }
    (options, anonymous)
}

/// A sentence for a security scheme, from its typed form (oas3) where the
/// document's scheme is well-formed, from its bare type otherwise.
fn describe_scheme(definition: &Value) -> (String, String) {
    let description = text(definition, "description");
    let summary = match serde_json::from_value::<SecurityScheme>(definition.clone()) {
        Ok(SecurityScheme::ApiKey { name, location, .. }) => {
            format!("An API key in the {location} parameter `{name}`.")
        }
        Ok(SecurityScheme::Http {
            scheme,
            bearer_format,
            ..
        }) => match (scheme.to_ascii_lowercase().as_str(), bearer_format) {
            ("bearer", Some(format)) => {
                format!("A bearer token ({format}) in the Authorization header.")
            }
            ("bearer", None) => "A bearer token in the Authorization header.".into(),
            ("basic", _) => "HTTP Basic authentication: a user name and password.".into(),
            (other, _) => format!("HTTP `{other}` authentication."),
        },
        Ok(SecurityScheme::OAuth2 { flows, .. }) => {
            let mut names = Vec::new();
            if flows.authorization_code.is_some() {
                names.push("authorisation code");
            }
            if flows.client_credentials.is_some() {
                names.push("client credentials");
            }
            if flows.implicit.is_some() {
                names.push("implicit");
            }
            if flows.password.is_some() {
                names.push("password");
            }
            format!("OAuth 2.0 ({}).", names.join(", "))
        }
        Ok(SecurityScheme::OpenIdConnect {
            open_id_connect_url,
            ..
        }) => format!("OpenID Connect, discovered at {open_id_connect_url}."),
        Ok(SecurityScheme::MutualTls { .. }) => "Mutual TLS: a client certificate.".into(),
        Err(_) => match definition["type"].as_str() {
            Some(kind) => format!("`{kind}` authentication."),
            None => "A scheme this document does not define.".into(),
        },
    };
    (summary, description)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::openapi::operations::Index;

    #[test]
    fn parameters_merge_and_references_are_followed() {
        let doc = json!({
            "openapi": "3.0.3",
            "security": [{"key": []}],
            "components": {
                "parameters": {"limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}}},
                "securitySchemes": {
                    "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
                    "oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://id.example/token", "scopes": {"read": "Read"}}}}
                },
                "responses": {"NotFound": {"description": "No such pet"}}
            },
            "paths": {"/pets/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "old"}],
                "get": {
                    "parameters": [
                        {"$ref": "#/components/parameters/limit"},
                        {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "example": "p-1"}
                    ],
                    "security": [{"oauth": ["read"]}, {}],
                    "responses": {
                        "200": {"description": "A pet", "content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}},
                        "404": {"$ref": "#/components/responses/NotFound"}
                    }
                }
            }}
        });
        let index = Index::of(&doc);
        let mut builder = Builder::new(&doc);
        let view = view(&doc, &index.operations[0], &mut builder);
        let params: Vec<(&str, &str, bool)> = view
            .parameters
            .iter()
            .map(|p| (p.name.as_str(), p.location.as_str(), p.documented_example))
            .collect();
        assert_eq!(params, [("id", "path", true), ("limit", "query", false)]);
        assert_eq!(view.parameters[0].example, json!("p-1"));
        assert_eq!(view.parameters[1].example, json!(1));
        assert_eq!(view.responses[1].description, "No such pet");
        assert_eq!(
            view.responses[0].contents[0].example.as_deref(),
            Some("{\n  \"name\": \"string\"\n}")
        );
        assert!(view.anonymous);
        assert_eq!(
            view.security[0][0].summary,
            "OAuth 2.0 (client credentials)."
        );
        assert_eq!(view.security[0][0].scopes, ["read"]);
        assert_eq!(
            describe_scheme(&doc["components"]["securitySchemes"]["key"]).0,
            "An API key in the header parameter `X-Key`."
        );
    }
}
