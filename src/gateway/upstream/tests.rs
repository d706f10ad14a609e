use super::*;

#[test]
fn the_host_header_names_the_port_only_when_it_is_not_the_default() {
    let origin = |uri: &str| {
        let uri: Uri = uri.parse().unwrap();
        Origin::new(
            uri.scheme().unwrap().clone(),
            uri.authority().unwrap().clone(),
        )
    };
    assert_eq!(host_header(&origin("http://up.test/a")), "up.test");
    assert_eq!(host_header(&origin("http://up.test:80/a")), "up.test");
    assert_eq!(
        host_header(&origin("http://up.test:8080/a")),
        "up.test:8080"
    );
    assert_eq!(host_header(&origin("https://up.test:443/")), "up.test");
    assert_eq!(host_header(&origin("https://up.test:80/")), "up.test:80");
}

#[test]
fn bases_on_one_origin_share_its_connections_whatever_the_case() {
    let origin = |url: &str| Base::parse(url).unwrap().origin;
    assert_eq!(
        origin("http://Up.Test:8080/a"),
        origin("http://up.test:8080/b")
    );
    assert_ne!(
        origin("http://up.test:8080/"),
        origin("http://up.test:8081/")
    );
    assert_ne!(origin("http://up.test/"), origin("https://up.test/"));
}

#[test]
fn the_request_target_joins_the_base_path_the_rest_and_the_query() {
    let base = Base::parse("http://up.test:8080/v1/").unwrap();
    assert_eq!(base.host, "up.test:8080");
    let target = |rest, query| base.target(rest, query).unwrap().to_string();
    assert_eq!(target("/pets", Some("a=1")), "/v1/pets?a=1");
    assert_eq!(target("", None), "/v1");
    let bare = Base::parse("https://up.test").unwrap();
    assert_eq!(bare.host, "up.test");
    assert_eq!(bare.target("", None).unwrap().to_string(), "/");
    assert_eq!(bare.target("", Some("q=2")).unwrap().to_string(), "/?q=2");
    assert_eq!(bare.target("/a b", None), None, "not a valid target");
    for url in ["ftp://up.test/", "/relative", "not a url"] {
        assert!(Base::parse(url).is_none(), "{url}");
    }
}
