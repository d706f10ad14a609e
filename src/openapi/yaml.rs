//! YAML into JSON values, remembering the line and column of every node so
//! that a finding can point at the source line.
//!
//! Built on yaml-rust2's event stream rather than a serde deserialiser: YAML
//! mapping keys such as `200:` are integers to serde, but OpenAPI means the
//! string "200", and positions are only available from the events.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::model::Finding;

/// A parsed YAML document and where each of its nodes starts.
pub struct Located {
    pub value: Value,
    positions: HashMap<String, (u32, u32)>,
}

impl Located {
    /// Line and column of the node at `pointer`, or of its nearest ancestor.
    pub fn position(&self, pointer: &str) -> Option<(u32, u32)> {
        let mut pointer = pointer;
        loop {
            if let Some(pos) = self.positions.get(pointer) {
                return Some(*pos);
            }
            pointer = &pointer[..pointer.rfind('/')?];
        }
    }

    /// Fills in line and column of findings from their pointers.
    pub fn locate(&self, findings: &mut [Finding]) {
        for finding in findings {
            if let Some((line, column)) = self.position(&finding.pointer) {
                finding.line = Some(line);
                finding.column = Some(column);
            }
        }
    }
}

/// Parses one YAML document.
pub fn parse(text: &str) -> Result<Located, Finding> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    if let Err(err) = parser.load(&mut builder, true) {
        let mark = err.marker();
        return Err(Finding {
            pointer: String::new(),
            line: Some(to_u32(mark.line())),
            column: Some(to_u32(mark.col() + 1)),
            message: format!("this is not valid YAML: {}", err.info()),
        });
    }
    if let Some(message) = builder.error {
        return Err(Finding {
            line: builder.error_at.map(|m| m.0),
            column: builder.error_at.map(|m| m.1),
            ..Finding::at("", message)
        });
    }
    let value = builder.root.ok_or_else(|| {
        Finding::at(
            "",
            "the document is empty: it needs at least `openapi` and `info`",
        )
    })?;
    Ok(Located {
        value,
        positions: builder.positions,
    })
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

enum Frame {
    Map {
        map: Map<String, Value>,
        key: Option<String>,
        /// Where the pending key is written: a value's position is its key's,
        /// the line a reader looks for.
        key_mark: Option<Marker>,
        anchor: usize,
        pointer: String,
    },
    Seq {
        items: Vec<Value>,
        anchor: usize,
        pointer: String,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Value>,
    positions: HashMap<String, (u32, u32)>,
    root: Option<Value>,
    documents: usize,
    error: Option<String>,
    error_at: Option<(u32, u32)>,
}

impl Builder {
    fn fail(&mut self, mark: Marker, message: &str) {
        if self.error.is_none() {
            self.error = Some(message.to_owned());
            self.error_at = Some((to_u32(mark.line()), to_u32(mark.col() + 1)));
        }
    }

    /// The pointer of the node that starts next.
    fn next_pointer(&self) -> String {
        match self.stack.last() {
            Some(Frame::Map {
                key: Some(key),
                pointer,
                ..
            }) => format!("{pointer}/{}", escape(key)),
            Some(Frame::Map { pointer, .. }) => pointer.clone(),
            Some(Frame::Seq { items, pointer, .. }) => format!("{pointer}/{}", items.len()),
            None => String::new(),
        }
    }

    fn attach(&mut self, value: Value) {
        match self.stack.last_mut() {
            Some(Frame::Map { map, key, .. }) => {
                if let Some(key) = key.take() {
                    map.insert(key, value);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(value),
            None => self.root = Some(value),
        }
    }

    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn remember(&mut self, mark: Marker) -> String {
        let pointer = self.next_pointer();
        let mark = match self.stack.last() {
            Some(Frame::Map {
                key_mark: Some(key_mark),
                ..
            }) => *key_mark,
            _ => mark,
        };
        self.positions.insert(
            pointer.clone(),
            (to_u32(mark.line()), to_u32(mark.col() + 1)),
        );
        pointer
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        match event {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    self.fail(
                        mark,
                        "the file holds more than one YAML document: keep only the OpenAPI one",
                    );
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                if self.expects_key() {
                    if let Some(Frame::Map { key, key_mark, .. }) = self.stack.last_mut() {
                        *key = Some(text);
                        *key_mark = Some(mark);
                    }
                    return;
                }
                let is_str_tag = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let value = if style == TScalarStyle::Plain && !is_str_tag {
                    resolve_plain(&text)
                } else {
                    Value::String(text)
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, value.clone());
                }
                self.remember(mark);
                self.attach(value);
            }
            Event::Alias(anchor) => {
                if self.expects_key() {
                    self.fail(
                        mark,
                        "an alias cannot be a mapping key in an OpenAPI document",
                    );
                    return;
                }
                let value = self.anchors.get(&anchor).cloned().unwrap_or(Value::Null);
                self.remember(mark);
                self.attach(value);
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _)
                if self.expects_key() =>
            {
                let _ = anchor;
                self.fail(
                    mark,
                    "mapping keys must be plain text, not lists or mappings",
                );
            }
            Event::MappingStart(anchor, _) => {
                let pointer = self.remember(mark);
                self.stack.push(Frame::Map {
                    map: Map::new(),
                    key: None,
                    key_mark: None,
                    anchor,
                    pointer,
                });
            }
            Event::SequenceStart(anchor, _) => {
                let pointer = self.remember(mark);
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    anchor,
                    pointer,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let (value, anchor) = match self.stack.pop() {
                    Some(Frame::Map { map, anchor, .. }) => (Value::Object(map), anchor),
                    Some(Frame::Seq { items, anchor, .. }) => (Value::Array(items), anchor),
                    None => return,
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, value.clone());
                }
                self.attach(value);
            }
            _ => {}
        }
    }
}

/// JSON pointer escaping of one reference token (RFC 6901).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The YAML 1.2 core schema for plain scalars: null, booleans, numbers,
/// otherwise text. Values JSON cannot hold (.inf, .nan) stay text.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.parse::<i64>() {
            return Value::Number(n.into());
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(n) = i64::from_str_radix(hex, 16) {
            return Value::Number(n.into());
        }
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if let Ok(n) = i64::from_str_radix(oct, 8) {
            return Value::Number(n.into());
        }
    }
    if looks_like_float(unsigned) {
        if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
    }
    Value::String(text.to_owned())
}

fn looks_like_float(text: &str) -> bool {
    let mut digits = false;
    let mut chars = text.chars().peekable();
    while chars.peek().is_some_and(char::is_ascii_digit) {
        chars.next();
        digits = true;
    }
    if chars.peek() == Some(&'.') {
        chars.next();
        while chars.peek().is_some_and(char::is_ascii_digit) {
            chars.next();
            digits = true;
        }
    }
    if !digits {
        return false;
    }
    if matches!(chars.peek(), Some('e' | 'E')) {
        chars.next();
        if matches!(chars.peek(), Some('+' | '-')) {
            chars.next();
        }
        let mut exponent = false;
        while chars.peek().is_some_and(char::is_ascii_digit) {
            chars.next();
            exponent = true;
        }
        if !exponent {
            return false;
        }
    }
    chars.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn status_code_keys_stay_text_and_scalars_get_their_types() {
        let doc = parse(
            "openapi: 3.1.0\nresponses:\n  200:\n    description: OK\n  default: {description: x}\nn: 12\nf: 1.5e3\nb: true\nz: ~\ns: '12'\nv: 1.0.0\n",
        )
        .unwrap();
        assert_eq!(
            doc.value,
            json!({"openapi": "3.1.0", "responses": {"200": {"description": "OK"}, "default": {"description": "x"}},
                   "n": 12, "f": 1500.0, "b": true, "z": null, "s": "12", "v": "1.0.0"})
        );
    }

    #[test]
    fn every_node_has_a_position() {
        let doc = parse("info:\n  title: Pets\npaths:\n  /pets:\n    get:\n      responses: {}\n")
            .unwrap();
        // A node is where its key is written.
        assert_eq!(doc.position("/info"), Some((1, 1)));
        assert_eq!(doc.position("/info/title"), Some((2, 3)));
        assert_eq!(doc.position("/paths/~1pets/get"), Some((5, 5)));
        // A pointer below a node that exists falls back to that node.
        assert_eq!(
            doc.position("/paths/~1pets/get/responses/200"),
            Some((6, 7))
        );
    }

    #[test]
    fn anchors_and_aliases_are_copied() {
        let doc = parse("a: &x {type: string}\nb: *x\n").unwrap();
        assert_eq!(doc.value["b"], json!({"type": "string"}));
    }

    #[test]
    fn syntax_errors_say_where() {
        let err = parse("openapi: 3.1.0\ninfo:\n  title: [unclosed\n")
            .err()
            .unwrap();
        assert!(err.line.is_some() && err.column.is_some(), "{err}");
        assert!(err.message.contains("not valid YAML"), "{err}");
        let err = parse("a: 1\n---\nb: 2\n").err().unwrap();
        assert!(err.message.contains("more than one YAML document"), "{err}");
    }
}
