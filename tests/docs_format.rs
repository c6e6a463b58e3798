//! The example cookies of `docs/format.md` (made by Flask 3.1.3) open to the sessions the page
//! says, and `dump` writes them back byte for byte.

use flask_cookie::Codec;

const PAGE: &str = include_str!("../docs/format.md");

/// The rows of the "Example cookies" table: (session, cookie, whether the row says compressed).
fn examples() -> Vec<(String, String, bool)> {
    let table = PAGE
        .split("## Example cookies")
        .nth(1)
        .expect("docs/format.md has an 'Example cookies' section");
    table
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('`').collect();
            let compressed = l.contains(": compressed");
            (
                cells[1].to_owned(),
                cells[cells.len() - 2].to_owned(),
                compressed,
            )
        })
        .collect()
}

#[test]
fn example_cookies_open_and_dump_as_the_page_says() {
    let rows = examples();
    assert_eq!(rows.len(), 3, "the table lost rows: {rows:?}");
    let codec = Codec::flask("test key").build().unwrap();
    for (session, cookie, compressed) in rows {
        let opened = codec.open(&cookie, 1_700_000_000).unwrap();
        assert_eq!(opened.signed_at, 1_700_000_000, "{cookie}");
        // The page writes sessions as Python dicts of ASCII strings and ints: Flask's JSON of
        // them is the same text with the spaces after `:` removed.
        let json = session.replace(": ", ":");
        assert_eq!(codec.to_json(&opened.value).unwrap(), json, "{cookie}");
        assert_eq!(codec.dump(&opened.value, 1_700_000_000).unwrap(), cookie);
        assert_eq!(cookie.starts_with('.'), compressed, "{cookie}");
    }
}
