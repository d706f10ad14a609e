//! The API reference: pages rendered from the stored OpenAPI documents, one
//! per tag, operation and schema, with code samples and a console that
//! calls the API through this Portico's gateway.

pub mod cache;
pub mod console;
pub mod handlers;
pub mod operation;
pub mod operation_page;
pub mod pages;
pub mod sample;
pub mod schema;
pub mod schema_view;
pub mod tryit;
