//! Lowering of operations: parameters, request bodies and success outputs. Types made for
//! inline schemas land in the `models` module like any other. Parameters and bodies keep the
//! pointer to where the spec declares them, from which the test harness builds its samples.

use std::collections::BTreeMap;

use openapiv3::{Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody, Response, StatusCode};
use serde_json::Value;

use super::{LoweredRef, Lowering, Site};
use crate::diagnostics::pointer_push;
use crate::ir::*;
use crate::naming::{self, Namespace};
use crate::spec::Node;

/// The header every request carries with the crate's pinned value; never a parameter.
const VERSION_HEADER: &str = "Intercom-Version";

/// A parameter after `$ref`s are followed, with where it is declared.
struct RawParam<'a> {
    data: &'a openapiv3::ParameterData,
    location: ParamLocation,
    pointer: String,
}

impl<'a> Lowering<'a, '_> {
    pub(super) fn lower_operations(&mut self) {
        let openapi = self.openapi;
        for (path, item) in &openapi.paths.paths {
            let Some(item) = item.as_item() else { continue };
            for (method, operation) in item.iter() {
                if HttpMethod::from_path_item_key(method).is_none() {
                    continue;
                }
                let lowered = self.lower_operation(path, method, item, operation);
                self.operations.push(lowered);
            }
        }
    }

    fn lower_operation(&mut self, path: &str, method: &str, item: &'a PathItem, op: &'a openapiv3::Operation) -> Operation {
        let pointer = pointer_push(&pointer_push("#/paths", path), method);
        let (id, name) = self.operation_names_of(path, method, op, &pointer);
        let mut fields = Namespace::default();
        // `new` is the constructor; a parameter may not take its name.
        fields.reserve(["new"]);

        let raw_params = self.raw_params(path, item, op, &pointer);
        let mut params: Vec<Param> = raw_params.iter().map(|raw| self.lower_param(raw, &name, &id, &mut fields)).collect();
        self.undeclared_path_params(path, &pointer, &mut params, &mut fields);

        let body = op.request_body.as_ref().and_then(|body| self.lower_body(body, &pointer, &name, &mut fields));
        let output = self.lower_responses(op, &pointer, &name);
        let has_success = op.responses.responses.keys().any(|status| match status {
            StatusCode::Code(c) => (200..300).contains(c),
            StatusCode::Range(r) => *r == 2,
        });

        Operation {
            rust_method: naming::field_name(&id),
            name: name.into(),
            id,
            http_method: HttpMethod::from_path_item_key(method).unwrap_or(HttpMethod::Get),
            path: path.to_owned(),
            pointer: pointer.into(),
            tags: op.tags.clone(),
            gate: Gate::default(),
            summary: op.summary.clone().filter(|s| !s.trim().is_empty()),
            docs: op.description.clone().filter(|d| !d.trim().is_empty()),
            deprecated: op.deprecated,
            params,
            body,
            output,
            has_success,
            pagination: None,
        }
    }

    /// The operation's id (its `operationId`, else one made from method and path) and its
    /// Rust type name, unique among operations; each fallback is reported.
    fn operation_names_of(&mut self, path: &str, method: &str, op: &openapiv3::Operation, pointer: &str) -> (String, String) {
        let id = match &op.operation_id {
            Some(id) => id.clone(),
            None => {
                let made = naming::field_name(&format!("{method} {path}")).trim_start_matches("r#").to_owned();
                self.diags.warn(pointer, format!("the operation has no operationId; it is named `{made}` after its method and path."));
                made
            }
        };
        let natural = naming::type_name(&id);
        let (name, renamed) = self.operation_names.claim(&naming::candidates(&natural, "Operation"));
        if renamed && naming::in_prelude(&natural) {
            let why = naming::taken_by(&natural, "by another operation");
            self.diags.warn(pointer, format!("the Rust name {natural} {why}; this operation is {name}."));
        } else if renamed {
            self.diags.warn(
                pointer,
                format!(
                    "another operation is already called {natural}; this one is {name}. operationIds must be unique: \
                     rename one in the spec (or the version's overlay)."
                ),
            );
        }
        (id, name)
    }

    /// One declared parameter of the operation `op_name` (`op_id` in the spec): its field name,
    /// unique in `fields`, and its type, lowered from its schema.
    fn lower_param(&mut self, raw: &RawParam<'a>, op_name: &str, op_id: &str, fields: &mut Namespace) -> Param {
        let wire = raw.data.name.clone();
        let (field, renamed) = fields.claim(&[naming::field_name(&wire), naming::field_name(&format!("{wire} {}", raw.location.word()))]);
        if renamed {
            self.diags.warn(&raw.pointer, format!("another input of the operation is called `{wire}`; this one is the field `{field}`."));
        }
        let schema = match &raw.data.format {
            ParameterSchemaOrContent::Schema(s) => Some(s),
            ParameterSchemaOrContent::Content(_) => {
                self.diags.warn(&raw.pointer, "the parameter is described by `content`, not `schema`; it is typed as a string.");
                None
            }
        };
        let ty = match schema {
            Some(schema) => {
                let base = format!("{op_name}{}", naming::type_name(&wire));
                let site = Site {
                    pointer: pointer_push(&raw.pointer, "schema"),
                    base: base.clone(),
                    spec_name: format!("{op_id}.{wire}"),
                    module: self.modules.claim(&[naming::module_name(&format!("{op_name}Parameters"))]).0,
                    target: None,
                };
                self.lower_node(Node::from(schema), site).ty
            }
            None => TypeRef::String,
        };
        let required = raw.data.required || raw.location == ParamLocation::Path;
        Param {
            name: field.into(),
            wire: wire.into(),
            location: raw.location,
            ty,
            required,
            docs: raw.data.description.clone().filter(|d| !d.trim().is_empty()),
            deprecated: raw.data.deprecated.unwrap_or(false),
            pointer: Some(raw.pointer.as_str().into()),
        }
    }

    /// The path item's parameters overridden by the operation's, `$ref`s followed, the
    /// version header left out; path, then query, then header parameters.
    fn raw_params(&mut self, path: &str, item: &'a PathItem, op: &'a openapiv3::Operation, pointer: &str) -> Vec<RawParam<'a>> {
        let mut found: Vec<RawParam<'a>> = Vec::new();
        let item_pointer = pointer_push("#/paths", path);
        let sources =
            item.parameters.iter().enumerate().map(|(i, p)| (p, pointer_push(&pointer_push(&item_pointer, "parameters"), &i.to_string())));
        let own = op.parameters.iter().enumerate().map(|(i, p)| (p, pointer_push(&pointer_push(pointer, "parameters"), &i.to_string())));
        for (param, at) in sources.chain(own) {
            let (param, at) = match param {
                ReferenceOr::Item(p) => (p, at),
                ReferenceOr::Reference { reference } => {
                    let key = reference.strip_prefix("#/components/parameters/").unwrap_or_default();
                    match self.openapi.components.as_ref().and_then(|c| c.parameters.get(key)).and_then(|p| p.as_item()) {
                        Some(p) => (p, pointer_push("#/components/parameters", key)),
                        None => {
                            self.diags.error(at, format!("`{reference}` does not resolve to a parameter; it is left out."));
                            continue;
                        }
                    }
                }
            };
            let (data, location) = match param {
                Parameter::Path { parameter_data, .. } => (parameter_data, ParamLocation::Path),
                Parameter::Query { parameter_data, style, .. } => {
                    let style = match style {
                        openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
                        openapiv3::QueryStyle::Form => QueryStyle::Form { explode: parameter_data.explode.unwrap_or(true) },
                        other => {
                            self.diags.warn(&at, format!("query style {other:?} is sent as `form` without explode."));
                            QueryStyle::Form { explode: false }
                        }
                    };
                    (parameter_data, ParamLocation::Query(style))
                }
                Parameter::Header { parameter_data, .. } => {
                    if parameter_data.name.eq_ignore_ascii_case(VERSION_HEADER) {
                        self.check_version_header(parameter_data, &at);
                        continue;
                    }
                    (parameter_data, ParamLocation::Header)
                }
                Parameter::Cookie { parameter_data, .. } => {
                    self.diags.warn(&at, format!("cookie parameter `{}` is not supported; it is left out.", parameter_data.name));
                    continue;
                }
            };
            let same = |r: &RawParam<'_>| r.data.name == data.name && r.location.rank() == location.rank();
            match found.iter().position(same) {
                Some(i) => found[i] = RawParam { data, location, pointer: at },
                None => found.push(RawParam { data, location, pointer: at }),
            }
        }
        found.sort_by_key(|p| p.location.rank());
        found
    }

    /// The crate sends its pinned version on every request; an operation whose header schema
    /// does not allow that value is reported (fix it in the version's overlay).
    fn check_version_header(&mut self, data: &openapiv3::ParameterData, at: &str) {
        let ParameterSchemaOrContent::Schema(schema) = &data.format else { return };
        let Some(schema) = Node::from(schema).resolve(self.openapi) else { return };
        let allowed = crate::spec::SchemaView::of(schema).enumeration;
        let pinned = Value::String(self.intercom_version.clone());
        if !allowed.is_empty() && !allowed.contains(&pinned) {
            let allowed: Vec<String> = allowed.iter().map(Value::to_string).collect();
            self.diags.warn(
                pointer_push(at, "schema"),
                format!(
                    "the operation's Intercom-Version header allows {} but the crate sends `{}` on every request; \
                     fix the schema in the version's overlay if both name the same version.",
                    allowed.join(", "),
                    self.intercom_version
                ),
            );
        }
    }

    /// A `{name}` in the path that no parameter declares becomes a required string.
    fn undeclared_path_params(&mut self, path: &str, pointer: &str, params: &mut Vec<Param>, fields: &mut Namespace) {
        let mut rest = path;
        let mut index = 0;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else { break };
            let wire = &rest[start + 1..start + len];
            rest = &rest[start + len + 1..];
            if params.iter().any(|p| p.location == ParamLocation::Path && p.wire == wire) {
                index += 1;
                continue;
            }
            let (field, _) = fields.claim(&[naming::field_name(wire), naming::field_name(&format!("{wire} path"))]);
            self.diags.warn(
                pointer_push(pointer, "parameters"),
                format!("the path has `{{{wire}}}` but no parameter declares it; it is a required string field `{field}`."),
            );
            params.insert(
                index,
                Param {
                    name: field.into(),
                    wire: wire.into(),
                    location: ParamLocation::Path,
                    ty: TypeRef::String,
                    required: true,
                    docs: Some("Not declared by the spec, but part of the path.".to_owned()),
                    deprecated: false,
                    pointer: None,
                },
            );
            index += 1;
        }
    }

    fn lower_body(&mut self, body: &'a ReferenceOr<RequestBody>, op_pointer: &str, op_name: &str, fields: &mut Namespace) -> Option<Body> {
        let openapi = self.openapi;
        let (body, body_pointer) = match body {
            ReferenceOr::Item(b) => (b, pointer_push(op_pointer, "requestBody")),
            ReferenceOr::Reference { reference } => {
                let name = reference.rsplit('/').next().unwrap_or_default();
                match openapi.components.as_ref().and_then(|c| c.request_bodies.get(name)).and_then(|b| b.as_item()) {
                    Some(b) => (b, pointer_push("#/components/requestBodies", name)),
                    None => {
                        self.diags
                            .error(pointer_push(op_pointer, "requestBody"), format!("`{reference}` does not resolve to a request body."));
                        return None;
                    }
                }
            }
        };
        let mut chosen: Option<(BodyMedia, LoweredRef, String)> = None;
        for (media, content) in &body.content {
            let at = pointer_push(&pointer_push(&body_pointer, "content"), media);
            let Some(schema) = &content.schema else {
                self.diags.warn(&at, "the request body has no schema; it is left out.");
                continue;
            };
            let site = Site {
                pointer: pointer_push(&at, "schema"),
                base: format!("{op_name}Request"),
                spec_name: format!("{op_name}.request"),
                module: self.modules.claim(&[naming::module_name(&format!("{op_name}Request"))]).0,
                target: None,
            };
            let lowered = self.lower_node(Node::from(schema), site);
            self.request_roots.push(lowered.ty.clone());
            let kind = match media.as_str() {
                m if m.contains("json") => BodyMedia::Json,
                "multipart/form-data" => BodyMedia::Multipart,
                other => {
                    self.diags.warn(&at, format!("request bodies of type `{other}` are not supported; this one is left out."));
                    continue;
                }
            };
            if kind == BodyMedia::Json {
                self.media_examples(content, &at, &lowered);
            }
            if chosen.is_none() {
                chosen = Some((kind, lowered, at));
            }
        }
        let (media, lowered, pointer) = chosen?;
        let (name, _) = fields.claim(&["body".to_owned(), "request_body".to_owned()]);
        Some(Body { name: name.into(), ty: lowered.ty, required: body.required, media, pointer: pointer.into() })
    }

    /// Types every response (their examples are checked), and returns the success output.
    fn lower_responses(&mut self, op: &'a openapiv3::Operation, op_pointer: &str, op_name: &str) -> Output {
        let mut successes: BTreeMap<u16, Output> = BTreeMap::new();
        let mut redirects = false;
        for (status, response) in &op.responses.responses {
            let code = match status {
                StatusCode::Code(c) => *c,
                StatusCode::Range(r) => r * 100,
            };
            let status = status.to_string();
            let at_response = pointer_push(&pointer_push(op_pointer, "responses"), &status);
            let response: &Response = match response {
                ReferenceOr::Item(r) => r,
                ReferenceOr::Reference { reference } => {
                    let key = reference.strip_prefix("#/components/responses/").unwrap_or_default();
                    match self.openapi.components.as_ref().and_then(|c| c.responses.get(key)).and_then(|r| r.as_item()) {
                        Some(r) => r,
                        None => {
                            self.diags.error(at_response, format!("`{reference}` does not resolve to a response."));
                            continue;
                        }
                    }
                }
            };
            let success = (200..300).contains(&code);
            redirects |= (300..400).contains(&code);
            let output = self.response_output(response, &at_response, op_name, &status, success);
            if success {
                successes.insert(code, output);
            }
        }
        self.success_output(successes, redirects, op_pointer, op_name)
    }

    /// What one response decodes into (JSON preferred when it offers several media types);
    /// each media type's schema is typed and its examples recorded.
    fn response_output(&mut self, response: &'a Response, at_response: &str, op_name: &str, status: &str, success: bool) -> Output {
        let mut output = Output::Empty;
        for (media, content) in &response.content {
            let at = pointer_push(&pointer_push(at_response, "content"), media);
            let json = media.contains("json");
            let Some(schema) = &content.schema else {
                if content.example.is_some() || !content.examples.is_empty() {
                    self.diags.warn(
                        &at,
                        "the response has examples but no schema; it is typed as any JSON value and its examples cannot be checked.",
                    );
                }
                if output == Output::Empty {
                    output = if json {
                        Output::Json(TypeRef::Json)
                    } else if media.starts_with("text/") {
                        Output::Text
                    } else {
                        Output::Bytes(media.clone())
                    };
                }
                continue;
            };
            let base = if success { format!("{op_name}Response") } else { format!("{op_name}Response{status}") };
            let site = Site {
                pointer: pointer_push(&at, "schema"),
                base: base.clone(),
                spec_name: format!("{op_name}.response.{status}"),
                module: self.modules.claim(&[naming::module_name(&base)]).0,
                target: None,
            };
            let lowered = self.lower_node(Node::from(schema), site);
            if json {
                self.media_examples(content, &at, &lowered);
            }
            let this = if json {
                Output::Json(if lowered.nullable { TypeRef::Nullable(Box::new(lowered.ty)) } else { lowered.ty })
            } else if media.starts_with("text/") {
                Output::Text
            } else {
                Output::Bytes(media.clone())
            };
            // JSON wins when a response offers several media types.
            if output == Output::Empty || matches!(this, Output::Json(_)) && !matches!(output, Output::Json(_)) {
                output = this;
            }
        }
        output
    }

    /// The operation's output from its success responses (`successes`, by status): the one
    /// they share, an enum by status when they differ, a redirect or nothing when there are none.
    fn success_output(&mut self, successes: BTreeMap<u16, Output>, redirects: bool, op_pointer: &str, op_name: &str) -> Output {
        let mut distinct: Vec<&Output> = Vec::new();
        for output in successes.values() {
            if !distinct.contains(&output) {
                distinct.push(output);
            }
        }
        match distinct.len() {
            0 if redirects => Output::Redirect,
            0 => {
                self.diags.warn(pointer_push(op_pointer, "responses"), "the operation lists no success response; its output is `()`.");
                Output::Empty
            }
            1 => distinct[0].clone(),
            _ => {
                let (name, _) = self.operation_names.claim(&[format!("{op_name}Output")]);
                let variants = successes
                    .into_iter()
                    .map(|(status, output)| StatusVariant { status, name: status_name(status), output: Box::new(output) })
                    .collect();
                Output::ByStatus { name, variants }
            }
        }
    }
}

/// A variant name for a success status: its reason phrase (`202` → `Accepted`).
fn status_name(status: u16) -> String {
    match status {
        200 => "Ok".to_owned(),
        201 => "Created".to_owned(),
        202 => "Accepted".to_owned(),
        203 => "NonAuthoritative".to_owned(),
        204 => "NoContent".to_owned(),
        206 => "PartialContent".to_owned(),
        other => format!("Status{other}"),
    }
}
