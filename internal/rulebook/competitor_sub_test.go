package rulebook

import (
	"errors"
	"strings"
	"testing"
)

// TestCompetitorSubdomains: a competitor's people write from its
// subdomains too (taro@jp.rival.com, hanako@tokyo.rival.co.jp); they can
// never become MQLs either, as free mail's subdomains are free mail. A
// domain that only ends in the same letters is someone else's.
func TestCompetitorSubdomains(t *testing.T) {
	e := &Engine{R: mustParse(t, "behaviour: [{name: pv, type: page_view, points: 1}]\nfit: {competitors: [rival.com, Rival.CO.JP]}\nmql: [{name: x, min_behaviour: 1}]\n")}
	for email, want := range map[string]bool{
		"a@rival.com": true, "a@jp.rival.com": true, "a@tokyo.rival.co.jp": true, "a@RIVAL.co.jp": true,
		"a@notrival.com": false, "a@rival.com.example": false, "a@acme.co.jp": false,
	} {
		_, _, _, excluded := e.Fit(nil, email)
		if (excluded != "") != want {
			t.Errorf("%s: excluded %q, want %v", email, excluded, want)
		}
	}
}

// TestDomainsWrittenAsAddressesRefused: fit.competitors and
// fit.free_mail.domains are email domains, which a person's email domain
// is looked up in: one written as an address (@rival.com) or as the
// company's URL (https://www.rival.com/) was never anyone's, so a
// competitor's people were scored and handed to sales as any others, and
// the file loaded. Each is refused with the domain to write.
func TestDomainsWrittenAsAddressesRefused(t *testing.T) {
	const mql = "mql: [{name: x, grades: [D]}]\n"
	for _, c := range []struct {
		src, field, says string
	}{
		{"fit:\n  competitors: [rival.example, \"@competitor.example\"]\n" + mql, "fit.competitors[1]", `"@competitor.example" is no email domain: write "competitor.example" (its subdomains are included)`},
		{"fit:\n  competitors: [\"https://www.rival.example/ja/\"]\n" + mql, "fit.competitors[0]", `write "rival.example"`},
		{"fit:\n  competitors: [\"sales@rival.example\"]\n" + mql, "fit.competitors[0]", `write "rival.example"`},
		{"fit:\n  competitors: [\"株式会社ライバル 営業部\"]\n" + mql, "fit.competitors[0]", "write the domain of their email addresses, such as rival.com"},
		{"fit:\n  competitors: [\"\"]\n" + mql, "fit.competitors[0]", "an empty domain"},
		{"fit:\n  free_mail:\n    points: -20\n    domains: [gmail.com, \"@yahoo.co.jp\"]\n" + mql, "fit.free_mail.domains[1]", `write "yahoo.co.jp"`},
	} {
		_, err := Parse("rules.yaml", []byte(c.src))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Field != c.field || pe.Line != 2+strings.Count(c.field, "free_mail")*2 || !strings.Contains(pe.Msg, c.says) {
			t.Errorf("%q: %v; want %s refused saying %q", c.src, err, c.field, c.says)
		}
	}
	r, err := Parse("rules.yaml", []byte("fit:\n  competitors: [rival.example, ライバル.jp]\n  free_mail: {points: -20, domains: []}\n"+mql))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, ex := (&Engine{R: r}).Fit(nil, "taro@jp.rival.example"); ex == "" || !r.FreeMail["gmail.com"] {
		t.Errorf("excluded %q, free mail %d domains", ex, len(r.FreeMail))
	}
}

// TestEmailDomainRuleValueAsAddressRefused: a fit rule on email_domain
// whose in: names an address (@acme.co.jp) or a URL (https://acme.co.jp/)
// matched no email's domain, so the rule scored no one, and the file
// loaded; so did a match: glob on an address (*@acme.co.jp). Refused on
// the value with the domain to write, as competitors' are; a domain, a
// glob or re: on domains, or an address under another attribute, is taken.
func TestEmailDomainRuleValueAsAddressRefused(t *testing.T) {
	const mql = "mql: [{name: x, grades: [D]}]\n"
	refused(t, "fit:\n  rules:\n    - name: ours\n      attribute: email_domain\n      in:\n        - acme.co.jp\n        - \"@acme.example\"\n      points: 10\n"+mql, 7, "fit.rules[0].in[1]", `"@acme.example" is no email domain: write "acme.example"`)
	refused(t, "fit:\n  rules:\n    - {name: ours, attribute: email_domain, in: [\"https://www.acme.co.jp/\"], points: 10}\n"+mql, 3, "fit.rules[0].in[0]", `write "acme.co.jp"`)
	refused(t, "fit:\n  rules:\n    - {name: ours, attribute: email_domain, in: [\"株式会社アクメ 営業部\"], points: 10}\n"+mql, 3, "fit.rules[0].in[0]", "write the domain of their email addresses")
	refused(t, "fit:\n  rules:\n    - name: ours\n      attribute: email_domain\n      match: \"*@acme.co.jp\"\n      points: 10\n"+mql, 5, "fit.rules[0].match", `"*@acme.co.jp" can never match an email's domain: write "acme.co.jp"`)
	refused(t, "fit:\n  rules:\n    - {name: ours, attribute: email_domain, match: \"https://*.acme.co.jp/\", points: 10}\n"+mql, 3, "fit.rules[0].match", `write "*.acme.co.jp"`)
	for _, src := range []string{
		"fit:\n  rules:\n    - {name: ours, attribute: email_domain, in: [acme.co.jp, 例え.jp], points: 10}\n" + mql,
		"fit:\n  rules:\n    - {name: web, attribute: website, in: [\"https://acme.co.jp/\"], points: 10}\n" + mql,
		"fit:\n  rules:\n    - {name: ours, attribute: email_domain, match: \"*.acme.co.jp\", points: 10}\n" + mql,
		"fit:\n  rules:\n    - {name: ours, attribute: email_domain, match: \"re:^(acme|acme-jp)\\\\.co\\\\.jp$\", points: 10}\n" + mql,
	} {
		if _, err := Parse("rules.yaml", []byte(src)); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}
