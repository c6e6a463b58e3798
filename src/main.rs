//! The `flask-cookie` command-line tool.
fn main() {}
