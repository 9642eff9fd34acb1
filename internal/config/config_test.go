package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsLocal(t *testing.T) {
	c, err := FromEnv(env(nil), Local)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != ".baton" || c.Store != "bolt" || len(c.AdminToken) < 32 || len(c.WriteKey) < 32 {
		t.Fatalf("defaults %+v", c)
	}
	if strings.Join(c.Generated, ",") != "BATON_ADMIN_TOKEN,BATON_WRITE_KEY" {
		t.Errorf("generated %v", c.Generated)
	}
	if time.Duration(c.File.EventRetention) != 400*24*time.Hour || c.File.TimelineLimit != 500 || time.Duration(c.File.AuditRetention) != 400*24*time.Hour {
		t.Errorf("file defaults %+v", c.File)
	}
}

func TestDeployedNeedsAdminToken(t *testing.T) {
	_, err := FromEnv(env(nil), Deployed)
	var ce *Error
	if !errors.As(err, &ce) || ce.Setting != "BATON_ADMIN_TOKEN" {
		t.Fatalf("err = %v", err)
	}
}

func TestBadSettingsAreNamed(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("event_retention: 30d\ncookie_max_agee: 1d\n"), 0o600)
	badDur := filepath.Join(dir, "dur.yaml")
	os.WriteFile(badDur, []byte("event_retention: forever\n"), 0o600)
	// Past what a duration holds: it wrapped to a negative retention.
	longDur := filepath.Join(dir, "long.yaml")
	os.WriteFile(longDur, []byte("event_retention: 106752d\n"), 0o600)
	shortAudit := filepath.Join(dir, "audit.yaml")
	os.WriteFile(shortAudit, []byte("audit_retention: 1h\n"), 0o600)
	cases := []struct {
		env     map[string]string
		setting string
	}{
		{map[string]string{"BATON_ADDR": "8080"}, "BATON_ADDR"},
		{map[string]string{"BATON_SITE_ORIGINS": "https://ok.example, www.example.com"}, "BATON_SITE_ORIGINS"},
		{map[string]string{"BATON_SITE_ORIGINS": "https://ok.example/path"}, "BATON_SITE_ORIGINS"},
		{map[string]string{"BATON_COOKIE_DOMAIN": "exa mple.com"}, "BATON_COOKIE_DOMAIN"},
		{map[string]string{"BATON_STORE": "mysql"}, "BATON_STORE"},
		{map[string]string{"BATON_STORE": "dynamodb"}, "BATON_TABLE"},
		{map[string]string{"BATON_ADMIN_TOKEN": "short"}, "BATON_ADMIN_TOKEN"},
		{map[string]string{"BATON_WRITE_KEY": "short"}, "BATON_WRITE_KEY"},
		{map[string]string{"BATON_TRUST_PROXY": "maybe"}, "BATON_TRUST_PROXY"},
		{map[string]string{"BATON_EVENT_RETENTION": "5m"}, "BATON_EVENT_RETENTION"},
		{map[string]string{"BATON_CONFIG": filepath.Join(dir, "missing.yaml")}, "BATON_CONFIG"},
		{map[string]string{"BATON_CONFIG": bad}, "BATON_CONFIG"},
		{map[string]string{"BATON_CONFIG": badDur}, "BATON_CONFIG"},
		{map[string]string{"BATON_CONFIG": longDur}, "BATON_CONFIG"},
		{map[string]string{"BATON_CONFIG": shortAudit}, "BATON_CONFIG"},
	}
	for _, c := range cases {
		_, err := FromEnv(env(c.env), Local)
		var ce *Error
		if !errors.As(err, &ce) || ce.Setting != c.setting {
			t.Errorf("%v: err = %v, want one naming %s", c.env, err, c.setting)
		}
	}
	// The unknown key is named with its line.
	_, err := FromEnv(env(map[string]string{"BATON_CONFIG": bad}), Local)
	if !strings.Contains(err.Error(), "cookie_max_agee") || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("unknown key error %q", err)
	}
}

func TestFileAndOrigins(t *testing.T) {
	p := filepath.Join(t.TempDir(), "baton.yaml")
	os.WriteFile(p, []byte("event_retention: 90d\ncookie_max_age: 720h\nsites: [www, docs]\n"), 0o600)
	c, err := FromEnv(env(map[string]string{"BATON_CONFIG": p, "BATON_SITE_ORIGINS": "https://WWW.Example.com, http://localhost:3000", "BATON_COOKIE_DOMAIN": ".example.com"}), Local)
	if err != nil {
		t.Fatal(err)
	}
	if time.Duration(c.File.EventRetention) != 90*24*time.Hour || time.Duration(c.File.CookieMaxAge) != 720*time.Hour || len(c.File.Sites) != 2 {
		t.Errorf("file %+v", c.File)
	}
	if strings.Join(c.SiteOrigins, " ") != "https://www.example.com http://localhost:3000" || c.CookieDomain != "example.com" {
		t.Errorf("origins %v domain %q", c.SiteOrigins, c.CookieDomain)
	}
}

// TestPublicURL: locally the listen address stands in for an unset
// BATON_PUBLIC_URL; deployed it stays empty (each request's own address).
func TestPublicURL(t *testing.T) {
	token := map[string]string{"BATON_ADMIN_TOKEN": "0123456789abcdef"}
	c, err := FromEnv(env(token), Local)
	if err != nil || c.PublicURL != "http://127.0.0.1:8080" {
		t.Fatalf("local: %q, %v", c.PublicURL, err)
	}
	c, err = FromEnv(env(token), Deployed)
	if err != nil || c.PublicURL != "" {
		t.Fatalf("deployed, unset: %q, %v", c.PublicURL, err)
	}
	token["BATON_PUBLIC_URL"] = "https://track.example.com/"
	c, err = FromEnv(env(token), Deployed)
	if err != nil || c.PublicURL != "https://track.example.com" {
		t.Fatalf("deployed, set: %q, %v", c.PublicURL, err)
	}
	token["BATON_PUBLIC_URL"] = "track.example.com"
	var ce *Error
	if _, err = FromEnv(env(token), Deployed); !errors.As(err, &ce) || ce.Setting != "BATON_PUBLIC_URL" {
		t.Fatalf("deployed, bad: %v", err)
	}
}

// TestRelativePathsResolveAgainstTaskRoot: on Lambda (LAMBDA_TASK_ROOT set)
// relative BATON_CONFIG and BATON_RULES name files in the task root, the
// directory make build packages them in, whatever the working directory;
// without it they stay relative to the working directory; absolute paths
// are kept.
func TestRelativePathsResolveAgainstTaskRoot(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "baton.yaml"), []byte("timeline_limit: 7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := FromEnv(env(map[string]string{"LAMBDA_TASK_ROOT": root, "BATON_CONFIG": "baton.yaml", "BATON_RULES": "rules.yaml"}), Local)
	if err != nil {
		t.Fatal(err)
	}
	if c.File.TimelineLimit != 7 {
		t.Errorf("timeline_limit %d: the file in LAMBDA_TASK_ROOT was not read", c.File.TimelineLimit)
	}
	if want := filepath.Join(root, "rules.yaml"); c.RulesFile != want {
		t.Errorf("rules file %q, want %q", c.RulesFile, want)
	}

	// Without LAMBDA_TASK_ROOT: the working directory.
	t.Chdir(root)
	c, err = FromEnv(env(map[string]string{"BATON_CONFIG": "baton.yaml", "BATON_RULES": "rules.yaml"}), Local)
	if err != nil {
		t.Fatal(err)
	}
	if c.File.TimelineLimit != 7 || c.RulesFile != "rules.yaml" {
		t.Errorf("without LAMBDA_TASK_ROOT: timeline_limit %d, rules %q", c.File.TimelineLimit, c.RulesFile)
	}

	// Absolute paths are kept; a relative one missing from the task root
	// is an error naming the resolved path.
	other := t.TempDir()
	c, err = FromEnv(env(map[string]string{"LAMBDA_TASK_ROOT": other, "BATON_CONFIG": filepath.Join(root, "baton.yaml"), "BATON_RULES": "/abs/rules.yaml"}), Local)
	if err != nil {
		t.Fatal(err)
	}
	if c.File.TimelineLimit != 7 || c.RulesFile != "/abs/rules.yaml" {
		t.Errorf("absolute paths: timeline_limit %d, rules %q", c.File.TimelineLimit, c.RulesFile)
	}
	_, err = FromEnv(env(map[string]string{"LAMBDA_TASK_ROOT": other, "BATON_CONFIG": "baton.yaml"}), Local)
	var ce *Error
	if !errors.As(err, &ce) || ce.Setting != "BATON_CONFIG" || !strings.Contains(err.Error(), filepath.Join(other, "baton.yaml")) {
		t.Errorf("missing file in the task root: %v", err)
	}
}

// TestBasePath: BATON_BASE_PATH is a prefix like /_bt ("/" and unset are the
// root); anything else is refused, and so is a public URL that carries a
// path of its own beside it (the base path is added to it).
func TestBasePath(t *testing.T) {
	for v, want := range map[string]string{"": "", "/": "", "/_bt": "/_bt", " /tools/baton ": "/tools/baton", "/a.b~c-d_e": "/a.b~c-d_e"} {
		c, err := FromEnv(env(map[string]string{"BATON_BASE_PATH": v}), Local)
		if err != nil || c.BasePath != want {
			t.Errorf("%q: %q, %v; want %q", v, c.BasePath, err, want)
		}
	}
	for _, v := range []string{"_bt", "/_bt/", "//", "/_bt//x", "/.", "/..", "/_bt/../x", "/a b", "/%2e", "/é", "/_bt?x=1", "/_bt#x", "/a;b"} {
		_, err := FromEnv(env(map[string]string{"BATON_BASE_PATH": v}), Local)
		var ce *Error
		if !errors.As(err, &ce) || ce.Setting != "BATON_BASE_PATH" {
			t.Errorf("%q: err = %v, want one naming BATON_BASE_PATH", v, err)
		}
	}
	c, err := FromEnv(env(map[string]string{"BATON_BASE_PATH": "/_bt", "BATON_PUBLIC_URL": "https://www.example.com/"}), Local)
	if err != nil || c.PublicURL != "https://www.example.com" {
		t.Errorf("public URL with a base path: %q, %v", c.PublicURL, err)
	}
	_, err = FromEnv(env(map[string]string{"BATON_BASE_PATH": "/_bt", "BATON_PUBLIC_URL": "https://www.example.com/_bt"}), Local)
	var ce *Error
	if !errors.As(err, &ce) || ce.Setting != "BATON_PUBLIC_URL" {
		t.Errorf("public URL with a path beside a base path: err = %v, want one naming BATON_PUBLIC_URL", err)
	}
}

// TestConnectorKeys: the connectors' settings parse, with their defaults
// left to the connectors (nil: match_by_email and set_lifecycle on).
func TestConnectorKeys(t *testing.T) {
	var f File
	err := ParseFile([]byte(`sfa:
  salesforce:
    login_url: https://login.salesforce.com
    token_url: https://acme.my.salesforce.com
    jwt_audience: https://test.salesforce.com
    duplicate_rule_header: allowSave=true
    picklists: {LeadSource: {baton: Web}, StateCode: {東京都: "13"}}
    fields: {country: ""}
    rating: false
  hubspot:
    set_lifecycle: false
    lifecycle_order: [subscriber, lead, marketingqualifiedlead, "1234567", customer]
    time_zone: Asia/Tokyo
`), &f)
	if err != nil {
		t.Fatal(err)
	}
	s, h := f.SFA.Salesforce, f.SFA.HubSpot
	if s.TokenURL != "https://acme.my.salesforce.com" || s.JWTAudience != "https://test.salesforce.com" || s.MatchByEmail != nil || s.DuplicateRuleHeader != "allowSave=true" ||
		s.Picklists["StateCode"]["東京都"] != "13" || s.Picklists["LeadSource"]["baton"] != "Web" || s.Fields["country"] != "" || len(s.Fields) != 1 || s.Rating == nil || *s.Rating {
		t.Errorf("salesforce %+v", s)
	}
	if h.SetLifecycle == nil || *h.SetLifecycle || len(h.LifecycleOrder) != 5 || h.LifecycleOrder[3] != "1234567" || h.TimeZone != "Asia/Tokyo" {
		t.Errorf("hubspot %+v", h)
	}
	if err := ParseFile([]byte("sfa:\n  salesforce:\n    rating: cold\n"), &File{}); err == nil {
		t.Error("rating: cold accepted")
	}
	if err := ParseFile([]byte("sfa:\n  hubspot:\n    set_lifecycle: maybe\n"), &File{}); err == nil {
		t.Error("set_lifecycle: maybe accepted")
	}
	if err := ParseFile([]byte("sfa:\n  language: jp\n"), &File{}); err == nil || !strings.Contains(err.Error(), "sfa.language") {
		t.Errorf("sfa.language jp: %v, want a refusal naming it", err)
	}
}

// TestSalesforceOrgID: feedback.salesforce_org_id is an organization id,
// 15 or 18 letters and digits beginning 00D; anything else (a user's or
// record's id, a URL, a stray character) stops Baton at start-up instead
// of refusing every Outbound Message as another org's.
func TestSalesforceOrgID(t *testing.T) {
	for _, id := range []string{"00D5g000004XyZa", "00D5g000004XyZaEAK", "00d5g000004xyzaeak"} {
		var f File
		if err := ParseFile([]byte("feedback:\n  salesforce_org_id: "+id+"\n"), &f); err != nil || f.Feedback.SalesforceOrgID != id {
			t.Errorf("%s: %v %q", id, err, f.Feedback.SalesforceOrgID)
		}
	}
	for _, id := range []string{"0055g00000AbCdE", "00D5g000004XyZ", "00D5g000004XyZaE", "00D5g000004XyZaEAKX", "00D5g000004XyZ-", "'00D5g000004XyZa '", "00d5g000004xyza"} { // a 15-character id lower-cased is another id
		if err := ParseFile([]byte("feedback:\n  salesforce_org_id: "+id+"\n"), &File{}); err == nil || !strings.Contains(err.Error(), "feedback.salesforce_org_id") {
			t.Errorf("%s: %v, want a refusal naming feedback.salesforce_org_id", id, err)
		}
	}
}

// TestSalesforceOutboundToken: BATON_SALESFORCE_OUTBOUND_TOKEN is the one
// secret of an endpoint on the internet (an Outbound Message's
// OrganizationId is no secret: Web-to-Lead forms carry it), and it travels
// in a URL's query, where a + reads as a space: a base64 token (openssl
// rand -base64 32 holds a + half the time) was refused as wrong on every
// message, 401 for Salesforce's 24 hours of retries. Both are refused at
// start-up; a hex or URL-safe token of 16 characters or more is taken.
func TestSalesforceOutboundToken(t *testing.T) {
	for _, tok := range []string{"0123456789abcdef0123456789abcdef", "salesforce-outbound-token", "Ab_9-x.y~z0123456789"} {
		c, err := FromEnv(env(map[string]string{"BATON_SALESFORCE_OUTBOUND_TOKEN": tok}), Local)
		if err != nil || c.Secrets.SalesforceOutboundToken != tok {
			t.Errorf("%s: %v", tok, err)
		}
	}
	for _, tok := range []string{"changeme", "q1w2e3r4t5y6u7i8o9p0+a/b=", "0123456789abcdef 0123", "0123456789abcdef&x=1", "0123456789abcdef#"} {
		_, err := FromEnv(env(map[string]string{"BATON_SALESFORCE_OUTBOUND_TOKEN": tok}), Local)
		if err == nil || !strings.Contains(err.Error(), "BATON_SALESFORCE_OUTBOUND_TOKEN") {
			t.Errorf("%q: %v, want a refusal naming BATON_SALESFORCE_OUTBOUND_TOKEN", tok, err)
		}
	}
}

// TestFeedbackSecretsAreLong: the feedback sources' secrets let whoever
// knows them write sales' verdicts and deals; a guessable one (changeme)
// started up. Both are refused short, the kintone token (a URL's path)
// also with characters a URL changes.
func TestFeedbackSecretsAreLong(t *testing.T) {
	for name, tok := range map[string]string{"BATON_KINTONE_WEBHOOK_TOKEN": "kintone-webhook-token-0123", "BATON_FEEDBACK_SECRET": "whsec_ZmVlZGJhY2stc2VjcmV0LWtleQ=="} {
		if _, err := FromEnv(env(map[string]string{name: tok}), Local); err != nil {
			t.Errorf("%s %s: %v", name, tok, err)
		}
	}
	for _, c := range []struct{ name, tok string }{
		{"BATON_KINTONE_WEBHOOK_TOKEN", "changeme"}, {"BATON_KINTONE_WEBHOOK_TOKEN", "0123456789abcdef/../x"},
		{"BATON_FEEDBACK_SECRET", "changeme"}, {"BATON_FEEDBACK_SECRET", "whsec_c2VjcmV0"},
	} {
		if _, err := FromEnv(env(map[string]string{c.name: c.tok}), Local); err == nil || !strings.Contains(err.Error(), c.name) {
			t.Errorf("%s %q: %v, want a refusal naming it", c.name, c.tok, err)
		}
	}
}

// TestOriginSecret: BATON_ORIGIN_SECRET gates the outermost proxy
// (httpx.Proxies.Origin); deployed behind two proxies (CloudFront, then
// API Gateway, whose own address anyone can call) it is required, and it
// must be a value a header can carry.
func TestOriginSecret(t *testing.T) {
	const secret = "0123456789abcdef0123456789abcdef"
	deployed := map[string]string{"BATON_ADMIN_TOKEN": strings.Repeat("a", 32), "BATON_STORE": "dynamodb", "BATON_TABLE": "t", "BATON_TRUST_PROXY": "2"}
	_, err := FromEnv(env(deployed), Deployed)
	var ce *Error
	if !errors.As(err, &ce) || ce.Setting != "BATON_ORIGIN_SECRET" || !strings.Contains(err.Error(), "X-Baton-Origin-Secret") {
		t.Fatalf("deployed, two proxies, no secret: err = %v", err)
	}
	deployed["BATON_ORIGIN_SECRET"] = secret
	c, err := FromEnv(env(deployed), Deployed)
	if err != nil || c.TrustProxy.Hops != 2 || !c.TrustProxy.Origin.IsSet() {
		t.Fatalf("deployed with the secret: %+v %v", c, err)
	}
	for _, v := range []map[string]string{
		{"BATON_ORIGIN_SECRET": secret, "BATON_TRUST_PROXY": "10.0.0.0/8"},   // addresses: the peer is checked instead
		{"BATON_ORIGIN_SECRET": "short", "BATON_TRUST_PROXY": "2"},           // guessable
		{"BATON_ORIGIN_SECRET": secret + " x", "BATON_TRUST_PROXY": "2"},     // no header value
		{"BATON_ORIGIN_SECRET": secret + "\u00e9", "BATON_TRUST_PROXY": "2"}, // not ASCII
		{"BATON_ORIGIN_SECRET": strings.Repeat("x", 257), "BATON_TRUST_PROXY": "2"},
	} {
		if _, err := FromEnv(env(v), Local); !errors.As(err, &ce) || ce.Setting != "BATON_ORIGIN_SECRET" {
			t.Errorf("%q: err = %v", v, err)
		}
	}
	// Changing it: the value being replaced is accepted beside it, and is
	// checked as it is.
	deployed["BATON_ORIGIN_SECRET_PREVIOUS"] = "fedcba9876543210fedcba9876543210"
	if c, err := FromEnv(env(deployed), Deployed); err != nil || c.TrustProxy.Origin.String() != "[secret, and the previous one]" {
		t.Errorf("deployed with the previous secret: %v %v", c.TrustProxy.Origin, err)
	}
	for _, v := range []map[string]string{
		{"BATON_ORIGIN_SECRET_PREVIOUS": secret, "BATON_TRUST_PROXY": "2"},                                // alone
		{"BATON_ORIGIN_SECRET": secret, "BATON_ORIGIN_SECRET_PREVIOUS": secret, "BATON_TRUST_PROXY": "2"}, // the same
		{"BATON_ORIGIN_SECRET": secret, "BATON_ORIGIN_SECRET_PREVIOUS": "short", "BATON_TRUST_PROXY": "2"},
	} {
		if _, err := FromEnv(env(v), Local); !errors.As(err, &ce) || ce.Setting != "BATON_ORIGIN_SECRET_PREVIOUS" {
			t.Errorf("%q: err = %v", v, err)
		}
	}
	// No trusted proxy: nothing to gate.
	if c, err := FromEnv(env(map[string]string{"BATON_ORIGIN_SECRET": secret}), Local); err != nil || c.TrustProxy.Origin.IsSet() {
		t.Errorf("no proxy: %v", err)
	}
	// Locally, two proxies need no secret (nothing reaches past them).
	if c, err := FromEnv(env(map[string]string{"BATON_TRUST_PROXY": "2"}), Local); err != nil || c.TrustProxy.Origin.IsSet() {
		t.Errorf("local, two proxies: %v", err)
	}
}

// TestAttributionReferrals: the hosts whose referrals are no touch are the
// sites of BATON_SITE_ORIGINS, Baton's own (BATON_PUBLIC_URL; locally the
// listen address) and attribution.unwanted_referrals; an entry
// written as a URL, which would match no referrer, is refused naming it.
func TestAttributionReferrals(t *testing.T) {
	path := filepath.Join(t.TempDir(), "baton.yaml")
	os.WriteFile(path, []byte("attribution:\n  unwanted_referrals: [Login.Acme-IdP.example, pay.acme.example]\n"), 0o600)
	c, err := FromEnv(env(map[string]string{"BATON_CONFIG": path, "BATON_SITE_ORIGINS": "https://www.acme.example,https://www.acme-cloud.example:8443"}), Local)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Referrals(), []string{"www.acme.example", "www.acme-cloud.example", "127.0.0.1", "login.acme-idp.example", "pay.acme.example"}; !slices.Equal(got, want) {
		t.Errorf("Referrals() = %v, want %v", got, want)
	}
	// Written with link_hosts' leading dot, or fully qualified, an entry is
	// the host it names: as it was, it matched no referrer at all.
	os.WriteFile(path, []byte("attribution:\n  unwanted_referrals: [.sso.acme.example, pay.acme.example.]\n"), 0o600)
	if c, err = FromEnv(env(map[string]string{"BATON_CONFIG": path}), Local); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Referrals(), []string{"127.0.0.1", "sso.acme.example", "pay.acme.example"}; !slices.Equal(got, want) {
		t.Errorf("Referrals() = %v, want %v", got, want)
	}
	for _, bad := range []string{"https://login.acme.example/", "login.acme.example/sso", "localhost", "", ".localhost", "..."} {
		var f File
		err := ParseFile([]byte("attribution:\n  unwanted_referrals: [\""+bad+"\"]\n"), &f)
		if err == nil || !strings.Contains(err.Error(), "attribution.unwanted_referrals[0]") {
			t.Errorf("%q: %v, want a refusal naming the entry", bad, err)
		}
	}
}

// TestSiteHostsHoldBatonsOwn: Baton's own address is one of the team's
// sites: the local stack serves the demo site there, and the SFA's text
// marked every demo page "other site, unverified" (127[.]0[.]0[.]1).
func TestSiteHostsHoldBatonsOwn(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"BATON_SITE_ORIGINS": "https://WWW.Example.com,http://localhost:3000"}), Local)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.SiteHosts(), " "); got != "www.example.com localhost 127.0.0.1" {
		t.Errorf("local: %q", got)
	}
	c, err = FromEnv(env(map[string]string{"BATON_ADMIN_TOKEN": "0123456789abcdef", "BATON_PUBLIC_URL": "https://Track.Example.com", "BATON_SITE_ORIGINS": "https://track.example.com"}), Deployed)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.SiteHosts(), " "); got != "track.example.com" {
		t.Errorf("deployed: %q (once)", got)
	}
}

// TestHandsOff: sales' SLA runs from a lead's delivery only when a
// connector hands leads to them; without one they take them in the inbox.
func TestHandsOff(t *testing.T) {
	c, err := FromEnv(env(nil), Local)
	if err != nil || c.HandsOff() {
		t.Fatalf("no connector: %v %v", c.HandsOff(), err)
	}
	c, err = FromEnv(env(map[string]string{"BATON_WEBHOOK_URL": "https://hooks.example.com/baton", "BATON_WEBHOOK_SECRET": "whsec_ZXJhc2Utd2ViaG9vay1vbmx5LXNlY3JldA=="}), Local)
	if err != nil || !c.HandsOff() {
		t.Fatalf("a webhook: %v %v", c.HandsOff(), err)
	}
}

// TestRequireOrigin: BATON_REQUIRE_ORIGIN=true makes every request bring
// BATON_ORIGIN_SECRET (and its previous value while it changes), so it
// needs one, of the secret's form, with or without a trusted proxy;
// false or unset requires nothing; anything else is refused naming it.
func TestRequireOrigin(t *testing.T) {
	const secret, previous = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
	var ce *Error
	for _, v := range []map[string]string{
		{"BATON_REQUIRE_ORIGIN": "true", "BATON_ORIGIN_SECRET": secret, "BATON_TRUST_PROXY": "2"},
		{"BATON_REQUIRE_ORIGIN": "TRUE", "BATON_ORIGIN_SECRET": secret},
		{"BATON_REQUIRE_ORIGIN": " true ", "BATON_ORIGIN_SECRET": secret, "BATON_TRUST_PROXY": "1"},
	} {
		c, err := FromEnv(env(v), Local)
		if err != nil || !c.RequireOrigin.IsSet() || c.RequireOrigin.String() != "[secret]" {
			t.Errorf("%q: %v %v, want the secret required", v, c, err)
		}
	}
	deployed := map[string]string{"BATON_ADMIN_TOKEN": strings.Repeat("a", 32), "BATON_STORE": "dynamodb", "BATON_TABLE": "t", "BATON_TRUST_PROXY": "2",
		"BATON_REQUIRE_ORIGIN": "true", "BATON_ORIGIN_SECRET": secret, "BATON_ORIGIN_SECRET_PREVIOUS": previous}
	if c, err := FromEnv(env(deployed), Deployed); err != nil || c.RequireOrigin.String() != "[secret, and the previous one]" {
		t.Errorf("deployed, with the previous secret: %v %v", c, err)
	}
	for _, v := range []map[string]string{
		nil,
		{"BATON_REQUIRE_ORIGIN": "false", "BATON_ORIGIN_SECRET": secret, "BATON_TRUST_PROXY": "2"},
		{"BATON_REQUIRE_ORIGIN": "", "BATON_ORIGIN_SECRET": secret, "BATON_TRUST_PROXY": "2"},
		{"BATON_REQUIRE_ORIGIN": "False"},
	} {
		if c, err := FromEnv(env(v), Local); err != nil || c.RequireOrigin.IsSet() {
			t.Errorf("%q: %v, required %v; want nothing required", v, err, c != nil && c.RequireOrigin.IsSet())
		}
	}
	for _, c := range []struct {
		env     map[string]string
		setting string
		says    string
	}{
		{map[string]string{"BATON_REQUIRE_ORIGIN": "true"}, "BATON_REQUIRE_ORIGIN", "needs BATON_ORIGIN_SECRET"},
		{map[string]string{"BATON_REQUIRE_ORIGIN": "true", "BATON_TRUST_PROXY": "2"}, "BATON_REQUIRE_ORIGIN", "needs BATON_ORIGIN_SECRET"},
		{map[string]string{"BATON_REQUIRE_ORIGIN": "yes", "BATON_ORIGIN_SECRET": secret}, "BATON_REQUIRE_ORIGIN", "want true or false"},
		{map[string]string{"BATON_REQUIRE_ORIGIN": "1", "BATON_ORIGIN_SECRET": secret}, "BATON_REQUIRE_ORIGIN", "want true or false"},
		{map[string]string{"BATON_REQUIRE_ORIGIN": "true", "BATON_ORIGIN_SECRET": "short"}, "BATON_ORIGIN_SECRET", "16 to 256"},
		{map[string]string{"BATON_REQUIRE_ORIGIN": "true", "BATON_ORIGIN_SECRET": secret, "BATON_ORIGIN_SECRET_PREVIOUS": secret}, "BATON_ORIGIN_SECRET_PREVIOUS", "itself"},
	} {
		if _, err := FromEnv(env(c.env), Local); !errors.As(err, &ce) || ce.Setting != c.setting || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%q: err = %v, want %s: ...%s...", c.env, err, c.setting, c.says)
		}
	}
	// Deployed, no secret at all: the start-up stops naming a setting.
	delete(deployed, "BATON_ORIGIN_SECRET")
	delete(deployed, "BATON_ORIGIN_SECRET_PREVIOUS")
	if _, err := FromEnv(env(deployed), Deployed); !errors.As(err, &ce) {
		t.Errorf("deployed, required, no secret: err = %v", err)
	}
	// A configuration printed shows no secret.
	c, _ := FromEnv(env(map[string]string{"BATON_REQUIRE_ORIGIN": "true", "BATON_ORIGIN_SECRET": secret}), Local)
	if s := fmt.Sprintf("%v %+v", c.RequireOrigin, *c); strings.Contains(s, secret) {
		t.Errorf("printed: %s", s)
	}
}
