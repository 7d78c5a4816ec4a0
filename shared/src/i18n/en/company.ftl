# Company prerequisites: credit code, capital, business scope, foreign share, declaration, ICP filing, registered province.
uscc-length = the code has { $found } characters, 18 expected
uscc-characters = the code holds a character outside the GB 32100 alphabet (no I, O, Z, S, V)
uscc-check-character = the check character does not match (GB 32100)
company-uscc-ok = The unified social credit code { $code } is valid.
company-uscc-invalid = The unified social credit code { $code } is invalid: { $why }.
company-capital-subscribed = This profile does not accept subscribed capital.
company-capital-ok = Registered capital of { $capital } CNY is at least { $min } CNY.
company-capital-short = Registered capital of { $capital } CNY is { $short } CNY short of the required { $min } CNY.
company-scope-ok = The business scope lists “{ $words }”.
company-scope-missing = No business scope was entered.
company-scope-lacking = The business scope lists none of: { $words }.
company-scope-no-document = No business-license photo backs it.
company-articles-ok = The articles of association state “{ $words }”.
company-articles-missing = The articles of association were not provided (they must state “{ $words }”).
company-articles-unknown = The business scope the articles of association state was not entered, so whether they state “{ $words }” cannot be checked.
company-articles-lacking = The articles of association do not state “{ $words }”.
company-foreign-over = The foreign share of { $share } % exceeds { $max } %.
company-foreign-not-controlled = Foreign capital without Chinese control.
company-foreign-control-unknown = The foreign share is { $share } %; Chinese control is not stated.
company-foreign-ok = The foreign share is { $share } %.
company-declaration-missing = No declaration of no violations in the last 3 years.
company-declaration-ok = A declaration of no violations in the last 3 years is on file.
company-icp-ok = ICP filing done: { $number }.
company-icp-malformed = The ICP filing number “{ $number }” looks malformed (it should hold “{ $marker }”).
company-icp-not-needed = Declared not needed (no voice codes or click-to-dial).
company-icp-pending = The ICP filing must be completed first.
company-province-unset = No approving province is set (nationwide licenses are approved by MIIT).
company-province-ok = Registered in { $province }.
company-province-other = The registered address is not in { $province }.
# What to do: one sentence per kind of problem.
company-do-check-uscc = Check the unified social credit code against the business licence.
company-do-pay-in-capital = Pay in the registered capital and bring the capital verification report or the bank receipt.
company-do-raise-capital = Raise the registered capital to at least { $min } yuan and register the change.
company-do-enter-scope = Enter the business scope as the business licence states it.
company-do-change-scope = Register a change of business scope adding call-center services under category II value-added telecom services.
company-do-bring-articles = Bring the articles of association (with the shareholders' signature page); they must state “{ $words }”.
company-do-enter-articles = Enter the business scope as the articles of association write it.
company-do-amend-articles = Amend the articles of association to state “{ $words }”, and file the amendment.
company-do-photograph-license = Photograph the business licence to back it.
company-do-shareholding = Bring a statement of the shareholding; if the foreign share is over the limit or control is not Chinese, change the shareholding first.
company-do-sign-declaration = Sign the declaration of no violations in the last three years and stamp it with the company seal.
company-do-check-icp = Check the ICP filing number in the MIIT filing system.
company-do-file-icp = File for ICP first, through the access provider.
company-do-province = The application must come from a company registered in { $province }.
# The agreements, lists and policies of the renewal list (000) and of Suzhou (004); the pilot areas of 002.
company-renewal-only = A new application: this is asked of a renewal only.
agreement-number-access = number-access agreement
agreement-trunk = trunk-line agreement
agreement-cloud-call-center = cloud call-center agreement
company-carrier-none-asked = This profile asks for no carrier agreement in this case.
company-carrier-missing = No { $agreement } with a carrier is on file.
company-carrier-missing-any = None of these agreements with a carrier is on file: { $agreements }.
company-carrier-ended = The { $agreement } ({ $item }) ended on { $end }.
company-carrier-party-other = The { $agreement } ({ $item }) names { $party } as party A, not the company.
company-carrier-party-unknown = The { $agreement } ({ $item }) does not say who party A is.
company-carrier-ok = The { $agreement } ({ $item }) is in force with the company as party A.
company-client-ok = { $n ->
    [one] One service agreement
   *[other] { $n } service agreements
} with clients in force (at least { $min } needed).
company-client-missing = No service agreement with a client is on file.
company-client-unknown = The client is not stated in: { $items }.
company-client-short = { $n ->
    [one] Only one service agreement
   *[other] { $n } service agreements
} with clients in force; at least { $min } are needed.
company-client-ended = The agreement { $item } ended on { $end }.
company-client-own = The agreement { $item } names the company itself as the client: serving only one's own customers is no call-center business.
company-bad-record-missing = No query of the telecom bad-record list is on file.
company-bad-record-listed = The query { $item } ({ $place }) shows the company on the telecom bad-record list.
company-bad-record-clear = The query { $item } ({ $place }) shows the company is not on the telecom bad-record list.
company-bad-record-unknown = The query { $item } does not say whether the company is on the list.
company-bad-record-stale = The query was made on { $on }, { $days } days ago; at most { $max } are accepted.
company-bad-record-undated = The query { $item } has no date.
company-policies-none-asked = This profile names no policy to see on site.
company-policies-ok = Seen on site and in practice: { $names }.
company-policies-missing = Not seen on site: { $names }.
company-policies-on-paper = On paper but not carried out: { $names }.
company-policies-practice-unknown = Not stated whether they are carried out: { $names }.
company-foreign-not-pilot-zone = The exception 002 gives pilot areas ({ $zones }) does not apply: the company is not registered in one.
company-foreign-pilot-zone = Registered in { $zone }, a pilot area where 002 (a guide for another license) allows foreign control after a national security review: whether that covers call-center business is for the approving authority to say, and no review decision is on file.
company-foreign-pilot-reviewed = Registered in { $zone }, a pilot area where 002 (a guide for another license) allows foreign control after a national security review; the review was passed, but whether the opening covers call-center business is for the approving authority to say.
company-foreign-pilot-review-failed = Registered in { $zone }, a pilot area, but the national security review was not passed.
company-icp-provider-ok = Filed through { $provider }, in { $province }.
company-icp-provider-other = The access provider { $provider } is in { $province }, not in { $want }.
company-icp-provider-unknown = The access provider's province is not stated; it must be in { $want }.
# What to do.
company-do-confirm-pilot-zone = Ask the approving authority whether the pilot opening covers call-center business, and bring the national security review decision.
company-do-icp-provider = Move the ICP filing to an access provider in { $want }.
company-do-enter-icp-provider = Enter the ICP filing's access provider and its province (it must be in { $want }).
company-do-bring-carrier-agreements = Bring the agreements signed with the carrier, with the company as party A.
company-do-renew-carrier-agreement = Renew the agreement with the carrier, or bring the one now in force.
company-do-carrier-party-a = Sign the agreement with the carrier in the company's own name, as party A.
company-do-enter-party-a = Enter party A as the agreement names it.
company-do-bring-client-agreements = Bring the service agreements in force signed with your clients (third parties, not the company itself).
company-do-enter-client = Enter the client each agreement names.
company-do-query-bad-record = Query the telecom bad-record list now and keep a screenshot of the result with its date.
company-do-leave-bad-record = A company on the bad-record list must be taken off it (after the rectification the authority requires) before it renews.
company-do-bring-policies = Bring these policies to the site, approved and issued.
company-do-practise-policies = Show on site how each policy is carried out (its records, training or drills).
