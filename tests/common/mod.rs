//! Helpers shared by integration tests (`mod common;` in each test that uses them).
pub mod values;
