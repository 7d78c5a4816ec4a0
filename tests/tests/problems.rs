//! Problem documents speak the language the request prefers: Chinese unless
//! `Accept-Language` prefers English (q-values honoured), named by `Content-Language`, with
//! both languages and the catalogue id in the JSON — for an operation's failure (401, 404,
//! 409, 422), an extractor's (a body that does not parse) and an unknown route alike. A full
//! ID number sent never comes back, in either language.

use hecha_core::i18n::Message;
use hecha_core::model::Lang;
use hecha_tests::{Api, Backend, Resp, TestServer};
use serde_json::{Value, json};

/// A valid GB 11643 number (the standard's example).
const FULL_ID: &str = "11010519491231002X";

fn send(api: &Api, method: &str, path: &str, body: Option<&Value>, accept: Option<&str>) -> Resp {
    let bytes = body.map(|b| serde_json::to_vec(b).unwrap());
    let headers: Vec<(&str, &str)> = accept.map(|a| ("Accept-Language", a)).into_iter().collect();
    api.send(
        method,
        path,
        bytes.as_deref().map(|b| (b, "application/json")),
        &headers,
    )
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// `r` is the problem `code` with status `status`, in `lang`, both languages in `texts`.
#[track_caller]
fn assert_problem_in(r: &Resp, status: u16, code: &str, lang: Lang) {
    assert_eq!((r.status, r.code()), (status, code), "{}", r.body);
    assert_eq!(
        r.header("Content-Type"),
        Some("application/problem+json"),
        "{:?}",
        r.headers
    );
    let tag = match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    assert_eq!(r.header("Content-Language"), Some(tag), "{:?}", r.headers);
    let texts = &r.body["texts"];
    let (zh, en) = (
        texts["detail"]["zh"].as_str().unwrap_or_default(),
        texts["detail"]["en"].as_str().unwrap_or_default(),
    );
    assert!(has_chinese(zh), "{}", r.body);
    assert!(!has_chinese(en) && !en.is_empty(), "{}", r.body);
    let (detail, title) = match lang {
        Lang::Zh => (zh, &texts["title"]["zh"]),
        Lang::En => (en, &texts["title"]["en"]),
    };
    assert_eq!(r.body["detail"], detail, "{}", r.body);
    assert_eq!(&r.body["title"], title, "{}", r.body);
    // The detail is the catalogue's message, rendered.
    let message: Message = serde_json::from_value(r.body["message"].clone()).unwrap();
    assert!(message.is_known(), "{}", r.body);
    assert_eq!(message.render(lang), detail, "{}", r.body);
}

#[test]
fn problem_documents_speak_the_language_asked_for() {
    let server = TestServer::start(Backend::Sqlite);
    let admin = server.admin();
    let anonymous = server.api();
    let org = admin
        .post(
            "/api/v1/organizations",
            &json!({"kind": "authority", "name": "江苏省通信管理局"}),
        )
        .expect(201)
        .str("id");

    // 401, an extractor of the caller: Chinese by default, English when asked.
    let r = send(&anonymous, "GET", "/api/v1/inspections", None, None);
    assert_problem_in(&r, 401, "auth.missing_token", Lang::Zh);
    assert_eq!(r.body["title"], "未通过身份验证", "{}", r.body);
    let r = send(&anonymous, "GET", "/api/v1/inspections", None, Some("en"));
    assert_problem_in(&r, 401, "auth.missing_token", Lang::En);
    assert_eq!(r.body["title"], "Unauthorized", "{}", r.body);
    assert_eq!(r.body["message"]["id"], "error-token-missing", "{}", r.body);

    // 404 of an operation; Chinese preferred by weight although English is listed first.
    let missing = "/api/v1/inspections/no-such-inspection";
    let r = send(&admin, "GET", missing, None, Some("en;q=0.5, zh;q=0.9"));
    assert_problem_in(&r, 404, "not_found", Lang::Zh);
    assert_eq!(r.body["detail"], "没有这次核查", "{}", r.body);
    let r = send(
        &admin,
        "GET",
        missing,
        None,
        Some("fr, en-GB;q=0.8, zh;q=0.7"),
    );
    assert_problem_in(&r, 404, "not_found", Lang::En);
    assert_eq!(r.body["detail"], "no such inspection", "{}", r.body);
    // A language the product does not speak: the default.
    let r = send(&admin, "GET", missing, None, Some("de"));
    assert_problem_in(&r, 404, "not_found", Lang::Zh);

    // 409: the same user name twice.
    let user = json!({"org_id": org, "username": "zhou-ming", "display_name": "周明",
        "role": "inspector", "password": "correct horse battery staple"});
    admin.post("/api/v1/users", &user).expect(201);
    let r = send(&admin, "POST", "/api/v1/users", Some(&user), None);
    assert_problem_in(&r, 409, "user.exists", Lang::Zh);
    assert_eq!(r.body["detail"], "该用户名已被占用", "{}", r.body);
    let r = send(&admin, "POST", "/api/v1/users", Some(&user), Some("en-US"));
    assert_problem_in(&r, 409, "user.exists", Lang::En);
    assert_eq!(r.body["detail"], "this user name is taken", "{}", r.body);

    // 422 with an argument: the minimum length in both languages.
    let short = json!({"org_id": org, "username": "li-hua", "display_name": "李华",
        "role": "inspector", "password": "short"});
    for (accept, lang) in [(None, Lang::Zh), (Some("en"), Lang::En)] {
        let r = send(&admin, "POST", "/api/v1/users", Some(&short), accept);
        assert_problem_in(&r, 422, "user.password", lang);
        assert!(
            r.body["detail"].as_str().unwrap().contains("12"),
            "{}",
            r.body
        );
        assert_eq!(r.body["message"]["args"]["min"], 12, "{}", r.body);
    }

    // An extractor's error (the body is not an organization) and an unknown route take
    // the same path.
    for (accept, lang) in [(None, Lang::Zh), (Some("en"), Lang::En)] {
        let r = send(
            &admin,
            "POST",
            "/api/v1/organizations",
            Some(&json!({"kind": "nonsense", "name": "x"})),
            accept,
        );
        assert_problem_in(&r, 422, "request.invalid", lang);
        let r = send(&admin, "GET", "/api/v1/nowhere", None, accept);
        assert_problem_in(&r, 404, "not_found", lang);
    }

    // A parser's message would echo the value it could not read: masked, in both languages.
    for accept in [None, Some("en")] {
        let r = send(
            &admin,
            "POST",
            "/api/v1/organizations",
            Some(&json!({"kind": FULL_ID, "name": "x"})),
            accept,
        );
        assert_eq!(r.status, 422, "{}", r.body);
        let body = r.body.to_string();
        assert!(!body.contains(FULL_ID), "{body}");
        let masked = hecha_core::capture::pii::mask_id(FULL_ID);
        for text in [
            &r.body["texts"]["detail"]["zh"],
            &r.body["texts"]["detail"]["en"],
        ] {
            assert!(text.as_str().unwrap().contains(&masked), "{body}");
        }
    }
}
