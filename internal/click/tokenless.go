package click

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"sort"
	"strings"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/token"
)

// Clicks without a recipient token: a known link whose token place holds
// no token at all, mostly because the email tool did not replace
// {{baton_token}} (its own merge syntax is *|BATON_TOKEN|*, %%...%%, ...)
// or rendered it empty. The reader lands all the same and the click names
// nobody, so the campaign report had nothing of it: a campaign whose every
// link was sent so showed 0 clicks and no reason. They are counted per
// campaign and link, nothing personal (no address, user agent or visitor),
// with the first merge tag of each kind as it arrived, to show the user.
//
//	PK=NOTOKEN#<campaign>  SK=link:<link id>   counters clicks, scanners, empty, tag, malformed, other, tag:<kind> (ADD)
//	PK=NOTOKEN#<campaign>  SK=sample:<kind>    the first merge tag of that kind as it arrived (capped)
const (
	KindTokenless       = "tokenless"
	KindTokenlessSample = "tokenlesssample"

	tokenlessPfx = "NOTOKEN#"
	linkSKPfx    = "link:"
	sampleSKPfx  = "sample:"
)

func tokenlessPK(campaign string) string { return tokenlessPfx + campaign }

// What is in a token's place when it is no token.
const (
	tokenEmpty     = "empty"     // the merge field rendered empty: the recipient had no baton_token in the tool's list
	tokenTag       = "tag"       // a merge tag left as it was
	tokenMalformed = "malformed" // anything else of no token's shape, or of its shape that does not verify
	tokenOther     = "other"     // a token of another campaign: its tokenised list reused for this send
)

// mergeTags are the merge-tag syntaxes of email tools, by kind: the
// inner name is a field's (letters, digits, _ . : - and spaces), so what
// is kept of one is template text, never a recipient's data.
var mergeTags = []struct {
	kind string
	re   *regexp.Regexp
}{
	{"braces", regexp.MustCompile(`^\{\{[ \w.:-]{1,48}\}\}$`)},                      // SendGrid, Marketo, HubSpot, Brevo, Klaviyo: {{baton_token}}
	{"mailchimp", regexp.MustCompile(`^\*\|[ \w.:-]{1,48}\|\*$`)},                   // Mailchimp: *|BATON_TOKEN|*
	{"percent2", regexp.MustCompile(`^%%[ \w.:-]{1,48}%%$`)},                        // Salesforce Marketing Cloud, Pardot: %%baton_token%%
	{"percent", regexp.MustCompile(`^%[ \w.:-]{1,48}%$`)},                           // ActiveCampaign, Mailgun: %BATON_TOKEN%
	{"brackets", regexp.MustCompile(`^\[\[?[ \w.:,=-]{1,48}\]\]?$`)},                // Campaign Monitor, Constant Contact: [baton_token]
	{"dollar", regexp.MustCompile(`^\$\{[ \w.:-]{1,48}\}$|^\{\$[ \w.:-]{1,48}\}$`)}, // ${baton_token}, {$baton_token}
	{"angle", regexp.MustCompile(`^<%=?[ \w.:-]{1,48}%>$`)},                         // <%= baton_token %>
	{"brace", regexp.MustCompile(`^\{[ \w.:-]{1,48}\}$`)},                           // {baton_token}
}

// batonTokenTag is a merge tag naming the baton_token column (any case,
// spaces, a separator or none, a tool's prefix such as contact. or
// subscriber:): what a tool left unreplaced, the only text kept.
var batonTokenTag = regexp.MustCompile(`(?i)^[^\w]*([\w]+[.:])?\s*baton[ _.-]?token\s*[^\w]*$`)

// notAToken says what a token's place held when it is no token: "" when
// it has a token's shape (whether it verifies is another matter), else
// its kind, and for a merge tag the tag's kind.
func notAToken(tok string) (what, tagKind string) {
	switch {
	case tok == "":
		return tokenEmpty, ""
	case token.Shaped(tok):
		return "", ""
	}
	for _, m := range mergeTags {
		if m.re.MatchString(tok) {
			return tokenTag, m.kind
		}
	}
	return tokenMalformed, ""
}

// countTokenless counts a click on a known link whose token place held no
// token. A click the request alone flags (a scanner's network or user
// agent, the honeypot, the scanner window) is counted apart.
func (h *Handler) countTokenless(ctx context.Context, ev *event.Event, campaign, link, tok, unverified string) {
	what, kind := notAToken(tok)
	if what == "" {
		what = unverified // a token's shape: another send's, or one that does not verify
	}
	if what == "" || h.T == nil || campaign == "" {
		return
	}
	d := map[string]int64{}
	if ev.Enrichment.Scanner || ev.Enrichment.Bot {
		d["scanners"] = 1
	} else {
		d["clicks"], d[what] = 1, 1
		if kind != "" {
			d["tag:"+kind] = 1
		}
	}
	n, err := h.T.Add(ctx, tokenlessPK(campaign), linkSKPfx+link, KindTokenless, d)
	if err != nil {
		h.log().Error("click: count a click without a token", "err", err)
		return
	}
	// The first of its kind on this link keeps its text (a handful of
	// writes a campaign whatever its clicks), only once per campaign and
	// only a baton_token tag: anyone can click a link with any text in a
	// merge tag's shape, and what is kept is shown on the campaign page,
	// inside its advice ("the link still said ..."): a phone number or a
	// domain there would read as Baton's.
	if kind != "" && n["tag:"+kind] == 1 && batonTokenTag.MatchString(tok) {
		data, _ := json.Marshal(map[string]string{"text": tok})
		it := table.Item{PK: tokenlessPK(campaign), SK: sampleSKPfx + kind, Kind: KindTokenlessSample, Data: data}
		if err := h.T.Put(ctx, it, table.NotExists); err != nil && !errors.Is(err, table.ErrConditionFailed) {
			h.log().Error("click: keep a merge tag that arrived", "err", err)
		}
	}
}

// Tokenless is what a campaign's report says of clicks that arrived
// without a recipient token (scanners apart).
type Tokenless struct {
	Clicks    int `json:"clicks"`        // not flagged: Empty + Tags + Malformed + OtherSends
	Scanners  int `json:"scannerClicks"` // flagged by the request (network, user agent, honeypot, scanner window)
	Empty     int `json:"empty"`         // /c/<link>/: the recipient had no baton_token in the email tool's list
	Tags      int `json:"mergeTags"`     // the merge tag left unreplaced
	Malformed int `json:"malformed"`     // something else
	// OtherSends: a recipient token of another campaign (a tokenised
	// list reused for this send): good for that send's links only.
	OtherSends int `json:"otherSends"`
	// Arrived: the merge tags seen, as they arrived (the first of each
	// syntax), the most clicked first.
	Arrived []string `json:"arrived,omitempty"`
	// PerLink: the clicks (scanners apart) by link id.
	PerLink map[string]int `json:"perLink,omitempty"`
}

// CampaignTokenless reads a campaign's clicks without a token (one query
// of its few items).
func CampaignTokenless(ctx context.Context, t table.Table, campaign string) (Tokenless, error) {
	var out Tokenless
	items, err := t.Query(ctx, table.Query{PK: tokenlessPK(campaign)})
	if err != nil {
		return out, err
	}
	byKind, samples := map[string]int64{}, map[string]string{}
	for _, it := range items {
		switch {
		case strings.HasPrefix(it.SK, linkSKPfx):
			c := it.Counters
			for k, n := range c {
				if kind, ok := strings.CutPrefix(k, "tag:"); ok {
					byKind[kind] += n
				}
			}
			out.Clicks += int(c["clicks"])
			out.Scanners += int(c["scanners"])
			out.Empty += int(c[tokenEmpty])
			out.Tags += int(c[tokenTag])
			out.Malformed += int(c[tokenMalformed])
			out.OtherSends += int(c[tokenOther])
			if c["clicks"] > 0 {
				if out.PerLink == nil {
					out.PerLink = map[string]int{}
				}
				out.PerLink[strings.TrimPrefix(it.SK, linkSKPfx)] = int(c["clicks"])
			}
		case strings.HasPrefix(it.SK, sampleSKPfx):
			var s struct{ Text string }
			if err := json.Unmarshal(it.Data, &s); err != nil {
				return out, errors.Join(errors.New("click: a kept merge tag"), err)
			}
			if s.Text != "" {
				samples[strings.TrimPrefix(it.SK, sampleSKPfx)] = s.Text
			}
		}
	}
	kinds := make([]string, 0, len(samples))
	for k := range samples {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		if byKind[kinds[i]] != byKind[kinds[j]] {
			return byKind[kinds[i]] > byKind[kinds[j]]
		}
		return kinds[i] < kinds[j]
	})
	for _, k := range kinds {
		out.Arrived = append(out.Arrived, samples[k])
	}
	return out, nil
}
