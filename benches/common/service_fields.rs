/// The fields a service reads (issue 11): absent ones are `None`. Shared by benches/codec.rs and
/// examples/profile.rs (each includes this file with `#[path]`; it sits in a subfolder so that
/// cargo does not take it for a benchmark), so that both measure the same struct.
#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
pub struct Service {
    #[serde(rename = "_permanent", default)]
    pub permanent: Option<bool>,
    #[serde(rename = "_fresh", default)]
    pub fresh: Option<bool>,
    #[serde(rename = "_user_id", default)]
    pub login_user_id: Option<String>,
    #[serde(default)]
    pub user_id: Option<u64>,
    #[serde(default)]
    pub csrf_token: Option<String>,
}
