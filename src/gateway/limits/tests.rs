use super::*;

fn limits(per_second: u32) -> Limits {
    Limits {
        per_second: Some(per_second),
        ..Limits::default()
    }
}

#[test]
fn idle_limiters_are_dropped_and_come_back_full() {
    let rates = RateLimits::default();
    for _ in 0..10 {
        rates.check(1, 1, &limits(10), &mut Verdict::default());
    }
    rates.check(2, 1, &limits(10), &mut Verdict::default());
    assert_eq!(rates.len(), 2);
    assert_eq!(rates.sweep(IDLE), 0, "both were used just now");
    assert_eq!(rates.sweep(Duration::ZERO), 2);
    assert!(rates.is_empty());
    let mut verdict = Verdict::default();
    rates.check(1, 1, &limits(10), &mut verdict);
    assert_eq!(verdict.retry_after, None);
    assert_eq!(verdict.policies[0].remaining, 9, "a new limiter, full");
}

#[test]
fn the_eleventh_call_in_a_second_of_a_ten_per_second_plan_is_refused() {
    let rates = RateLimits::default();
    for n in 0..10 {
        let mut verdict = Verdict::default();
        rates.check(1, 1, &limits(10), &mut verdict);
        assert_eq!(verdict.retry_after, None, "call {n}");
        assert_eq!(verdict.policies[0].remaining, 9 - n);
    }
    let mut verdict = Verdict::default();
    rates.check(1, 1, &limits(10), &mut verdict);
    assert_eq!(verdict.retry_after, Some(1));
    // Another key, and the same key on a bigger plan, start afresh.
    let mut other = Verdict::default();
    rates.check(2, 1, &limits(10), &mut other);
    assert_eq!(other.retry_after, None);
    let mut bigger = Verdict::default();
    rates.check(1, 1, &limits(20), &mut bigger);
    assert_eq!(bigger.retry_after, None);
}

#[test]
fn racing_first_calls_share_one_limiter() {
    // Eight threads make the first calls of a pair at once, for many
    // pairs: a pair whose limiters were made twice let 11 through.
    let rates = RateLimits::default();
    let start = Arc::new(std::sync::Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (rates, start) = (rates.clone(), start.clone());
            std::thread::spawn(move || {
                let mut passed = vec![0; 200];
                for (key, passed) in passed.iter_mut().enumerate() {
                    start.wait();
                    for _ in 0..2 {
                        let mut verdict = Verdict::default();
                        rates.check(key as i64, 1, &limits(10), &mut verdict);
                        *passed += usize::from(verdict.retry_after.is_none());
                    }
                }
                passed
            })
        })
        .collect();
    let mut passed = vec![0; 200];
    for thread in threads {
        for (total, n) in passed.iter_mut().zip(thread.join().expect("a thread")) {
            *total += n;
        }
    }
    assert!(passed.iter().all(|&n| n == 10), "{passed:?}");
}

#[test]
fn headers_use_structured_fields() {
    let mut verdict = Verdict::default();
    verdict.policies.push(PolicyState {
        name: "second",
        quota: 10,
        window: 1,
        remaining: 0,
        reset: 1,
    });
    verdict.policies.push(PolicyState {
        name: "day",
        quota: 1000,
        window: 86_400,
        remaining: 990,
        reset: 3600,
    });
    verdict.refuse(1);
    let mut headers = HeaderMap::new();
    verdict.write_headers(&mut headers);
    assert_eq!(
        headers["ratelimit-policy"],
        "\"second\";q=10;w=1, \"day\";q=1000;w=86400"
    );
    assert_eq!(
        headers["ratelimit"],
        "\"second\";r=0;t=1, \"day\";r=990;t=3600"
    );
    assert_eq!(headers["retry-after"], "1");
}

#[test]
fn each_plan_gets_its_own_policy_header_on_one_thread() {
    let written = |quota: u64, remaining: u64| {
        let mut verdict = Verdict::default();
        verdict.policies.push(PolicyState {
            name: "minute",
            quota,
            window: 60,
            remaining,
            reset: 6,
        });
        let mut headers = HeaderMap::new();
        verdict.write_headers(&mut headers);
        ["ratelimit-policy", "ratelimit"].map(|name| headers[name].to_str().unwrap().to_owned())
    };
    assert_eq!(
        written(100, 99),
        ["\"minute\";q=100;w=60", "\"minute\";r=99;t=6"]
    );
    assert_eq!(
        written(100, 98),
        ["\"minute\";q=100;w=60", "\"minute\";r=98;t=6"]
    );
    assert_eq!(written(5, 4), ["\"minute\";q=5;w=60", "\"minute\";r=4;t=6"]);
    assert_eq!(
        written(100, 97),
        ["\"minute\";q=100;w=60", "\"minute\";r=97;t=6"]
    );
}
