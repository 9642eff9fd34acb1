package admin

// The workspace: server-rendered pages for marketers and sales (people,
// MQLs, campaigns), in English or Japanese, times in the configured time
// zone. Each page is the HTML answer of a route that answers JSON to API
// clients (content negotiation by Accept). No scripts: pageCSP holds.

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/jatext"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/textcut"
)

// Workspace is what the workspace pages read beyond the API's parts.
type Workspace struct {
	T      table.Table
	Events interface { // stored events by id (eventlog.Log)
		Get(ctx context.Context, visitor, id string) (event.Event, error)
	}
	Loc *time.Location // the configured time zone (nil: UTC)
	Now func() time.Time
}

//go:embed templates/*.html
var templateFiles embed.FS

// pages are parsed once: each page file with the layout around it.
var pages = func() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, name := range []string{"people", "person", "mqls", "campaigns", "campaign", "dashboard", "rules", "inbox", "accounts", "account", "audit", "suggestions", "disclosure", "touches"} {
		out[name] = template.Must(template.New(name).Funcs(pageFuncs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html"))
	}
	return out
}()

var pageFuncs = template.FuncMap{"mul100": func(f float64) float64 { return f * 100 },
	"pct": pctText, "fpct": figurePct, "signed": signedPct, "share": sharePct, "hours": hoursText,
	"args": func(p page, d any) pageArgs { return pageArgs{p, d} }, "visible": visibleEmail}

// hoursText is a number of hours to one decimal; under 0.05 (three
// minutes) "<0.1": "0.0" read as no time at all (an answer in two minutes
// is quick, not instant), the CSV keeps the exact figure.
func hoursText(h float64) string {
	if h > 0 && h < 0.05 {
		return "<0.1"
	}
	return fmt.Sprintf("%.1f", h)
}

// visibleEmail shows the invisible characters of an email stored before
// emails lost them (alice⟨U+200B⟩@...): as they are, the person looks like
// the plain address's, erased or not.
func visibleEmail(s string) string {
	if strings.IndexFunc(s, event.IsInvisible) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if event.IsInvisible(r) {
			fmt.Fprintf(&b, "⟨U+%04X⟩", r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pageArgs hand a sub-template its page (to translate) with its data.
type pageArgs struct {
	P page
	D any
}

// LangCookie keeps the language a user chose with the switch.
const LangCookie = "baton_lang"

// page is what every workspace page's template gets: its language, where
// /admin/ is relative to it, and the helpers that speak the language.
type page struct {
	L       string // en, ja
	Title   string
	Base    string // "" for /admin/x, "../" for /admin/x/y
	API     string // the admin routes' path as a client types it: /admin, or /_bt/admin under BATON_BASE_PATH
	Active  string // the navigation entry of this page
	Nav     *navView
	Audit   bool              // the caller may read the audit trail: the navigation links it
	Touches bool              // offline touches can be imported (Handler.Touches): the navigation links their page
	Dead    int               // dead letters, marked on the MQLs link (deadCount)
	Switch  map[string]string // language -> this page in it
	Loc     *time.Location
	Now     time.Time
	Sites   []string        // the hosts URLs are links to (Handler.SiteHosts)
	Rules   *rulebook.Rules // the rules in force, for their labels (Cond); nil without a rules file
	Data    any
}

// Invalid marks the filter field the page's error is about (the view's
// badField, filters' badParam.Field): invalid, and described by the error
// (id filter-error), so that a screen reader on the field says why.
func (p page) Invalid(field string) template.HTMLAttr {
	if b, ok := p.Data.(interface{ badField() string }); ok && field != "" && b.badField() == field {
		return ` aria-invalid="true" aria-describedby="filter-error"`
	}
	return ""
}

// Cond names an MQL condition as the rules file labels it in the page's
// language (marketers read what sales read in the SFA), the machine name
// without a label or for a condition no longer in the rules. Filters and
// links keep the machine name: it is what condition= matches.
func (p page) Cond(name string) string { return p.Rules.ConditionLabel(name, p.L) }

// Band names a behaviour band by its label in the page's language, else
// its name.
func (p page) Band(name string) string {
	if t, ok := p.Rules.BandLabels(p.L)[name]; ok {
		return t
	}
	return name
}

// MQA names the MQA rule by its label in the page's language, else its name.
func (p page) MQA(name string) string { return p.Rules.MQALabel(name, p.L) }

// T translates an English text into the page's language.
func (p page) T(s string) string {
	if p.L == "ja" {
		if j, ok := ja[s]; ok {
			return j
		}
		if j := jatext.Phrase(s); j != "" {
			return j
		}
		if j := jaMessage(s); j != "" {
			return j
		}
	}
	if e, ok := en[s]; ok {
		return e
	}
	if e := enPhrase(s); e != "" {
		return e
	}
	if e := jatext.EnglishPhrase(s); e != "" {
		return e
	}
	return one(s)
}

// F is T with fmt.Sprintf arguments. A text argument loses its control
// characters and bidirectional overrides, embeddings and isolates
// (textcut.Controls): it is set into the page's sentence, where a value
// anyone can send (a report's group, a utm_source of "\u202eevil") turned
// the rest of the sentence around, its period's dates included; a bdi
// would isolate it, but the sentence is one text.
func (p page) F(s string, args ...any) string {
	cleaned := false
	for i, a := range args {
		if t, ok := a.(string); ok {
			if c := textcut.Controls(t); c != t {
				if !cleaned { // a caller's slice (F(s, xs...)) stays as it was
					args, cleaned = slices.Clone(args), true
				}
				args[i] = c
			}
		}
	}
	if p.L == "ja" {
		return fmt.Sprintf(p.T(s), args...)
	}
	return one(fmt.Sprintf(p.T(s), args...))
}

// countOfOne is a count of one before a plural noun in an English text ("1
// MQLs", "sales answered 1 MQLs"): the texts are written for counts, the
// noun's plural, and a count of one read as a typo.
var countOfOne = regexp.MustCompile(`(^|[^\d.,])1 (MQLs|people|leads|clicks|recipients|outcomes|MQAs|events)\b`)

// singular is each plural countOfOne names, as its singular.
var singular = map[string]string{"MQLs": "MQL", "people": "person", "leads": "lead", "clicks": "click", "recipients": "recipient", "outcomes": "outcome", "MQAs": "MQA", "events": "event"}

// one writes "1 MQL" for "1 MQLs" in an English text.
func one(s string) string {
	if !strings.Contains(s, "1 ") {
		return s
	}
	return countOfOne.ReplaceAllStringFunc(s, func(m string) string {
		c := countOfOne.FindStringSubmatch(m)
		return c[1] + "1 " + singular[c[2]]
	})
}

// When is a time in the configured zone, in the language's format; a
// time in the hour the zone's clocks show twice says which (01:30 EDT,
// 01:30 EST: calendar.FormatMarked), the others as they were.
func (p page) When(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(p.Loc)
	if p.L == "ja" {
		return calendar.FormatMarked(t, "2006年1月2日 15:04")
	}
	return calendar.FormatMarked(t, "2 Jan 2006 15:04")
}

// rfc3339 finds the machine times inside a run-time text (a recycled
// lead's wait, as the rules engine words it).
var rfc3339 = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})`)

// Times writes the RFC 3339 times in s as When does: in the configured
// zone, in the page's language.
func (p page) Times(s string) string {
	return rfc3339.ReplaceAllStringFunc(s, func(m string) string {
		t, err := time.Parse(time.RFC3339Nano, m)
		if err != nil {
			return m
		}
		return p.When(t)
	})
}

// AdminName is the environment's admin token's name, which the pages
// never show (Who).
func (p page) AdminName() string { return adminTokenName }

// Who is a sales owner or a signed-in user as a person reads it: the
// environment's admin token is "Administrator", a token of admin_tokens
// or an SFA's owner its name.
func (p page) Who(name string) string {
	if name == adminTokenName {
		return p.T("Administrator")
	}
	return name
}

// VisitorNote says what a person's visitor id that is no browser is: the
// pseudo-visitor their email opens and offline touches are stored under
// (o:), or their user id on the site's backend (u:, the server API); ""
// for a browser.
func (p page) VisitorNote(id string) string {
	switch {
	case strings.HasPrefix(id, "o:"):
		return p.T("email opens and offline touches, not a browser")
	case strings.HasPrefix(id, "u:"):
		return p.T("the site's user id (server API), not a browser")
	}
	return ""
}

// sharePct is a share of a map of shares (the lab's groups), "—" where
// it was not measured: a group of nobody has no shares, not 0%.
func sharePct(m map[string]float64, k string) string {
	if v, ok := m[k]; ok {
		return pctText(v)
	}
	return "—"
}

// sameWho reports whether a stored owner or token name is the one a
// person typed: case aside, and the environment's admin token by the name
// the pages show it under (Who: 管理者, Administrator), which is the one
// they know.
func sameWho(stored, typed string) bool {
	if strings.EqualFold(stored, typed) {
		return true
	}
	return stored == adminTokenName && (strings.EqualFold(typed, "Administrator") || typed == ja["Administrator"])
}

// Ago says how long before now t was, in words.
func (p page) Ago(t time.Time) string {
	d := p.Now.Sub(t)
	switch {
	case t.IsZero():
		return ""
	case d < time.Minute:
		return p.T("just now")
	case d < time.Hour:
		return p.F("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return p.F("%d h ago", int(d.Hours()))
	default:
		return p.F("%d days ago", int(d.Hours()/24))
	}
}

// N formats a count with thousands separators (both languages use commas).
func (p page) N(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + p.N(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Score formats a score as everywhere else (qualify.ScoreText).
func (p page) Score(f float64) string { return qualify.ScoreText(f) }

// matrixFact is an MQL's fact of a matrix cell (rulebook: "matrix cell
// warm x A").
var matrixFact = regexp.MustCompile(`^matrix cell (\S+) x (\S+)$`)

// Fact is a stored MQL fact or MQA reason in the page's language, its
// score at Score's precision. A matrix cell's names its band by the band's
// label, as the score card does (行動帯 中, band medium; it said the band's
// name, warm), and does not say "matrix": it follows the condition's
// label, which names the matrix (行動帯×グレードのマトリクス：マトリクス：…).
func (p page) Fact(s string) string {
	if m := matrixFact.FindStringSubmatch(s); m != nil {
		return p.F("band %s × grade %s", p.Band(m[1]), m[2])
	}
	return p.T(qualify.FactText(s))
}

// Date is a YYYY-MM-DD date in the language's format (as it is when it
// is no such date).
func (p page) Date(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	if p.L == "ja" {
		return t.Format("2006年1月2日")
	}
	return t.Format("2 Jan 2006")
}

// Zone names the configured time zone as its clocks say it (JST; EST/EDT
// for a zone that changes its clocks: the page's times may be of either
// part of the year, and "EST" read in January labelled July's EDT times).
// Every page shows it: times are in the configured zone (UTC by default),
// and a team that left the default must not read UTC as JST.
func (p page) Zone() string { return calendar.Abbreviations(p.loc(), p.Now) }

// ZoneName is the configured zone's IANA name (Asia/Tokyo).
func (p page) ZoneName() string { return p.loc().String() }

func (p page) loc() *time.Location {
	if p.Loc == nil {
		return time.UTC
	}
	return p.Loc
}

// Attr names a person attribute (company, title...) in the page's
// language: 会社名, Company; one Baton has no name for as its key.
func (p page) Attr(k string) string {
	if j, ok := ja["attr:"+k]; ok && p.L == "ja" {
		return j
	}
	if e, ok := enNames["attr:"+k]; ok && p.L != "ja" {
		return e
	}
	return k
}

// EventAt is when an event happened, as When says it; an offline touch
// is known to the day (a fair's or a business card's date, imported as
// that day's midnight), so its date alone: "00:00" read as a time it
// happened at.
func (p page) EventAt(t time.Time, typ string) string {
	if typ == event.Offline {
		return p.Day(t)
	}
	return p.When(t)
}

// MQLAt is when an MQL qualified, as EventAt says its event's time: an
// MQL an offline touch raised (a fair's visit imported with its day) is
// dated to that day, not "00:00" (sales read it as the hour the lead came
// in). Its journey names the touch at its time; an MQL stored before
// journeys were kept is a day when its time is that day's exact midnight.
func (p page) MQLAt(m qualify.MQL) string {
	if m.Journey == nil {
		return p.Dated(m.At)
	}
	t := m.Journey.Last
	if t == nil {
		t = m.Journey.First
	}
	if t == nil {
		return p.Dated(m.At)
	}
	return p.qualifiedAt(m.At, t.At, t.Channel)
}

// LeadAt is when an inbox lead qualified, as MQLAt says an MQL's: the day
// alone when its latest touch, an offline one, is what qualified them.
func (p page) LeadAt(l push.Lead) string {
	t := l.LastTouch
	if t.At.IsZero() {
		t = l.FirstTouch
	}
	return p.qualifiedAt(l.QualifiedAt, t.At, t.Channel)
}

// qualifiedAt is a qualification's time: its day alone when the latest
// touch, at that very time, is an offline one (known to the day), else as
// Dated says it.
func (p page) qualifiedAt(at, touchAt time.Time, channel string) string {
	if touchAt.Equal(at) && slices.Contains(event.OfflineChannels, channel) {
		return p.Day(at)
	}
	return p.Dated(at)
}

// StageAt is when a stage change happened, as When says it; the change to
// MQL of an MQL an offline touch raised is that touch's day (MQLAt).
func (p page) StageAt(at time.Time, cards []mqlCard) string {
	for _, c := range cards {
		if c.M.At.Equal(at) {
			return p.MQLAt(c.M)
		}
	}
	return p.Dated(at)
}

// Dated is When, but a time that is its day's exact start (midnight) in the
// configured zone is its date alone: a person an offline import created
// (a fair's visitor) became a lead on the fair's day, at no hour; times
// Baton or the tag took carry seconds and fractions.
func (p page) Dated(t time.Time) string {
	if l := t.In(p.Loc); !t.IsZero() && l.Equal(calendar.DayStart(l.Year(), l.Month(), l.Day(), p.Loc)) {
		return p.Day(t)
	}
	return p.When(t)
}

// Minutes says how long a person attended a webinar (an offline touch's
// minutes, Zoom's time in session summed over their rejoins): "92 min",
// "92 分"; "" when the touch does not say (a fair's visit).
func (p page) Minutes(v any) string {
	n, ok := event.MinutesOf(v)
	if !ok {
		return ""
	}
	return p.F("%d min", n)
}

// Absent reports an offline touch its webinar's report says did not
// happen (event.Absent): the timeline marks it, where it read as attended.
func (page) Absent(v any) bool {
	switch ev := v.(type) {
	case event.Event:
		return ev.Absent()
	case *event.Event:
		return ev != nil && ev.Absent()
	}
	return false
}

// Day is t's date in the configured zone (a lab person's would-be MQL:
// the marketer's day, not UTC's), as Date says it.
func (p page) Day(t time.Time) string { return p.Date(t.In(p.Loc).Format("2006-01-02")) }

// Month is a YYYY-MM month in the language's format (2026年12月, Dec
// 2026), as it is when it is no such month.
func (p page) Month(s string) string {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return s
	}
	if p.L == "ja" {
		return t.Format("2006年1月")
	}
	return t.Format("Jan 2006")
}

// Days says a duration in days ("30 days") when it is whole days.
func (p page) Days(d time.Duration) string {
	switch {
	case d > 0 && d%(24*time.Hour) == 0:
		return p.F("%d days", int(d/(24*time.Hour)))
	case d > 0 && d%time.Hour == 0: // a rules file's 36h
		return p.F("%d hours", int(d/time.Hour))
	}
	return d.String()
}

// Why says sales' reasons of a report row ("rejected: no budget" -> count)
// with the stage in the page's language; sales' own words stay as written.
func (p page) Why(m map[string]int) string {
	if p.L != "ja" {
		return whyText(m)
	}
	return whyWith(m, func(k string) string {
		if stage, rest, ok := strings.Cut(k, ": "); ok {
			return p.Stage(stage) + "：" + rest
		}
		return k
	}, "%s ×%d", "／")
}

// WhyCut is Why with each of sales' reasons cut to whyCell characters
// (an ellipsis ending one cut): a table's cell lists them among figures,
// and a reason of 500 characters buried the row. The cell's title has Why
// in full.
func (p page) WhyCut(m map[string]int) string {
	cut := make(map[string]int, len(m))
	for k, n := range m {
		cut[textcut.Runes(k, whyCell)] += n
	}
	return p.Why(cut)
}

// whyCell bounds one reason in a table's cell, in characters.
const whyCell = 80

// History says a lab person's outcomes (lab.OutcomeOf: "2026-11-03
// rejected: no budget") with the stages in the page's language: the
// English said the stage's code ("sal").
func (p page) History(lines []string) string {
	colon, sep := ": ", "; "
	if p.L == "ja" {
		colon, sep = "：", "／"
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		day, rest, _ := strings.Cut(l, " ")
		stage, why, hasWhy := strings.Cut(rest, ": ")
		out[i] = p.Date(day) + " " + p.Stage(stage)
		if hasWhy {
			out[i] += colon + why
		}
	}
	return strings.Join(out, sep)
}

// ruleKeyEnd is the rules file's keys a reason ends with, in parentheses:
// "... no MQL before 2026-12-20T01:00:00Z (recycle.cooldown)", or
// "(recycle.cooldown, recycle.min_new_behaviour)".
var ruleKeyEnd = regexp.MustCompile(` \(((?:recycle|mql|fit|behaviour|score)\.[a-z_.]+(?:, (?:recycle|mql|fit|behaviour|score)\.[a-z_.]+)*)\)$`)

// reasonKey is a reason without its rules file's keys, and the keys.
type reasonKey struct {
	Text string
	Keys []string
}

// RuleKey cuts the rules file's keys off a reason's end: the page says the
// reason in words and the keys apart, small, for whoever edits the rules;
// in the sentence they read as raw text (…まで MQL になりません（recycle.cooldown）).
func (page) RuleKey(s string) reasonKey {
	if m := ruleKeyEnd.FindStringSubmatchIndex(s); m != nil {
		return reasonKey{Text: s[:m[0]], Keys: strings.Split(s[m[2]:m[3]], ", ")}
	}
	return reasonKey{Text: s}
}

// oldCooldownWait is a recycled lead's wait stored before the rules engine
// said every part of it (rulebook.Engine.waiting): the cooldown's alone,
// which it said whether or not the new behaviour points were earned.
var oldCooldownWait = regexp.MustCompile(`^(recycled \S+: no MQL before \S+) \(recycle\.cooldown\)$`)

// Waiting is a recycled person's wait as RuleKey cuts it. One stored
// before the wait said every part says the cooldown alone, and people read
// its end as the day the person qualifies again: it says the new
// behaviour points the rules in force need too, without those earned so
// far, which it does not know.
func (p page) Waiting(s string) reasonKey {
	if m := oldCooldownWait.FindStringSubmatch(s); m != nil && p.Rules != nil {
		s = fmt.Sprintf("%s and until %g new behaviour points since (recycle.cooldown, recycle.min_new_behaviour)", m[1], p.Rules.Recycle.MinNewBehaviour)
	}
	return p.RuleKey(s)
}

// Channel names a marketing channel (qualify.TouchOf's, an offline
// touch's) in the page's language; one the rules file made up stays as it
// is, and "(all)", "(none)" read as T has them.
func (p page) Channel(c string) string {
	if j, ok := ja["channel:"+c]; ok && p.L == "ja" {
		return j
	}
	if e, ok := enNames["channel:"+c]; ok && p.L != "ja" {
		return e
	}
	return p.T(c)
}

// ReadURL is a URL as people read it: percent-encoded UTF-8 decoded
// (utm_campaign=2026-12_%E3%83%8B%E3%83%A5… is 2026-12_ニュ…, seven lines
// of escapes on a person's timeline), except where the decoding would
// change what the URL says (an encoded %, &, =, #, ?, / or +, a space or
// a control character) or is not UTF-8: those stay encoded. The link's
// href stays the URL as stored.
func (p page) ReadURL(u string) string {
	u = escapeHidden(u)
	out := event.DecodePercent(u, func(c byte) bool {
		return c < 0x80 && (c <= ' ' || c == 0x7f || strings.IndexByte("%&=#?/+", c) >= 0)
	})
	if utf8.ValidString(out) && !strings.ContainsFunc(out, hidden) {
		return out
	}
	return u
}

// ShortURL is a link's text where the event has no page title: the host
// and path as ReadURL reads them, the query and fragment left for the
// link's title and href ("?…" says they are there). A newsletter click's
// full address, utm_source=...&utm_campaign=..., is not what a marketer
// knows the page by; its campaign is named beside it (campaignOf).
func (p page) ShortURL(u string) string {
	rest := u
	for _, scheme := range []string{"https://", "http://"} {
		if len(rest) >= len(scheme) && strings.EqualFold(rest[:len(scheme)], scheme) {
			rest = rest[len(scheme):]
			break
		}
	}
	if rest == u { // not a web address: said whole
		return p.ReadURL(u)
	}
	short, _, more := strings.Cut(rest, "?")
	if short, _, frag := strings.Cut(short, "#"); frag {
		return p.ReadURL(short) + "#…"
	}
	if more {
		return p.ReadURL(short) + "?…"
	}
	return p.ReadURL(short)
}

// campaignOf is the campaign an event's touch came with: a tracked
// click's campaign id, else its page's utm_campaign.
func campaignOf(ev event.Event) string {
	if c, ok := ev.Properties["campaign"].(string); ok && c != "" {
		return c
	}
	return ev.UTM.Campaign
}

// OwnSite reports whether the pages link to a URL an event names: one on
// the team's sites (BATON_SITE_ORIGINS), by event.OwnSite's rule, which
// the SFAs' summaries follow too (push.Lead.Summary). Any other URL is
// shown as text to copy.
func (p page) OwnSite(raw string) bool { return event.OwnSite(raw, p.Sites) }

// escapeHidden percent-encodes the hidden characters (hidden) a URL holds
// as they are, not escaped: the collector takes a URL as sent, and a raw
// U+202E in it turned the rest of the line around ("/\u202egpj.exe" read
// "/exe.jpg"), where an escaped one stays escaped.
func escapeHidden(u string) string {
	if !strings.ContainsFunc(u, hidden) {
		return u
	}
	var b strings.Builder
	for len(u) > 0 {
		r, n := utf8.DecodeRuneInString(u)
		if hidden(r) { // never a byte that is not UTF-8 (U+FFFD is not hidden)
			for i := range n {
				fmt.Fprintf(&b, "%%%02X", u[i])
			}
		} else {
			b.WriteString(u[:n])
		}
		u = u[n:]
	}
	return b.String()
}

// hidden: a control or format character (a bidirectional override
// would make the shown URL read as another), a space of any kind (an
// ideographic or no-break space, a line separator) or a Hangul filler,
// which show as blank.
func hidden(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Z) || r == 0x115f || r == 0x1160 || r == 0x3164 || r == 0xffa0
}

// Flag says why an event was taken for a scanner or a bot (enrichment's,
// click's codes) in the page's language; a scanner vendor's name (from
// scanners.txt) stays as it is.
func (p page) Flag(why string) string {
	if p.L != "ja" {
		return why
	}
	if j, ok := ja["flag:"+why]; ok {
		return j
	}
	if vendor, ok := strings.CutPrefix(why, "scanner:"); ok {
		return vendor
	}
	if c, ok := strings.CutPrefix(why, "scanner-client:"); ok {
		return "スキャナと判定済みのクライアント（" + c + "）"
	}
	return why
}

// Stage names a lifecycle stage in the page's language.
func (p page) Stage(s string) string {
	if s == "" {
		return "—"
	}
	return p.T("stage:" + s)
}

// lang picks the page's language: ?lang= (remembered in a cookie), the
// cookie, then the browser's Accept-Language; English by default.
func (h *Handler) lang(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "en" || l == "ja" {
		http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: l, Path: h.cookiePath(r), MaxAge: 400 * 24 * 3600, HttpOnly: true, Secure: h.secure(r), SameSite: http.SameSiteLaxMode})
	}
	return pageLang(r)
}

// pageLang is the language a page is shown in: ?lang=, else the cookie
// an earlier ?lang= set, else Accept-Language (lang also keeps ?lang=).
func pageLang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "en" || l == "ja" {
		return l
	}
	if c, err := r.Cookie(LangCookie); err == nil && (c.Value == "en" || c.Value == "ja") {
		return c.Value
	}
	return acceptLanguage(r.Header.Get("Accept-Language"))
}

// acceptLanguage returns ja or en, whichever the header prefers (by q).
func acceptLanguage(h string) string { return httpx.AcceptLanguage(h) }

func (h *Handler) loc() *time.Location {
	if h.Workspace != nil && h.Workspace.Loc != nil {
		return h.Workspace.Loc
	}
	return time.UTC
}

// rules are the rules in force, nil without a rules file.
func (h *Handler) rules() *rulebook.Rules {
	if h.Lab == nil {
		return nil
	}
	return h.Lab.Rules
}

func (h *Handler) wsNow() time.Time {
	if h.Workspace != nil && h.Workspace.Now != nil {
		return h.Workspace.Now()
	}
	return clock.Now()
}

// render writes a workspace page. base is where /admin/ is relative to the
// page ("" or "../").
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name, title, base, active string, data any) {
	p := page{L: h.lang(w, r), Title: title, Base: base, API: httpx.BasePath(r) + "/admin", Active: active, Nav: nav(r), Audit: h.canAudit(r), Touches: h.Touches != nil, Dead: h.deadCount(r), Loc: h.loc(), Now: h.wsNow(), Sites: h.SiteHosts, Rules: h.rules(), Data: data, Switch: map[string]string{}}
	to := "" // the language links: this page, or where it says (a form's answer)
	if s, ok := data.(interface{ switchTo() string }); ok {
		to = s.switchTo()
	}
	for _, l := range []string{"en", "ja"} {
		q := r.URL.Query()
		if to != "" {
			q = url.Values{}
		}
		q.Set("lang", l)
		p.Switch[l] = to + "?" + q.Encode()
	}
	htmlHeaders(w)
	w.Header().Set("Content-Language", p.L)
	w.Header().Add("Vary", "Accept, Accept-Language, Cookie")
	var b bytes.Buffer
	if err := pages[name].ExecuteTemplate(&b, "layout", p); err != nil {
		h.log().Error("admin page", "page", name, "err", err)
		// The page is cut where the template failed: nothing is sent yet,
		// so a 500 page says so rather than half a page under status.
		if v, ok := data.(peopleView); !ok || v.Error != renderFailed {
			h.pageError(w, r, http.StatusInternalServerError, base, renderFailed)
		} else { // the error page itself failed
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
		return
	}
	out := b.Bytes()
	if !utf8.Valid(out) {
		// The page says it is UTF-8: bytes that are not (a stored value
		// from before its input was checked, a path's segment) are
		// U+FFFD, not text a browser decodes as it guesses. What a
		// request gives is refused before it gets here (notText).
		h.log().Warn("admin page: not UTF-8, repaired", "page", name)
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	}
	w.WriteHeader(status)
	w.Write(out)
}

// renderFailed is the page's error when its template failed (render).
const renderFailed = "internal error: try again in a moment"

// pageError renders a short page saying what is wrong, for a browser.
func (h *Handler) pageError(w http.ResponseWriter, r *http.Request, status int, base, msg string) {
	h.render(w, r, status, "people", "Error", base, "", peopleView{Error: msg})
}

// displayName is how a person is called on the pages: the one rule
// (identity.DisplayName) the account and lab pages use too.
func displayName(attrs map[string]string, email string) string {
	return identity.DisplayName(attrs, email)
}

// pathOf is the path of a URL for a sentence ("/pricing"), the URL itself
// when it has none.
func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		return page{}.ReadURL(raw)
	}
	// Read as ReadURL reads it: Path is decoded, and a page's address any
	// visitor can make (/%E2%80%AEfdp.exe) turned the ledger's line around.
	return page{}.ReadURL(u.EscapedPath())
}

// deny refuses a request: a page saying why for a browser's page or form
// (with the way to sign in when the credential is what failed), the JSON
// error for an API client.
func (h *Handler) deny(w http.ResponseWriter, r *http.Request, status int, msg string) {
	signIn := ""
	if status == http.StatusUnauthorized { // a session ended, a token no longer accepted: any token of the scope will do
		signIn = "Sign in again to go on"
	}
	h.denyPage(w, r, status, msg, signIn)
}

// denyScope refuses a token that lacks scope: signing in with another
// token is the way on. Other 403s (a stale form's CSRF token, a
// cross-site post) are not the token's: a page offering to sign in with
// "a token that has the right scope" sent a rep with a stale form astray.
func (h *Handler) denyScope(w http.ResponseWriter, r *http.Request, scope string) {
	h.denyPage(w, r, http.StatusForbidden, "this token lacks the "+scope+" scope", "Sign in again with an admin token that has the right scope")
}

func (h *Handler) denyPage(w http.ResponseWriter, r *http.Request, status int, msg, signIn string) {
	if !wantsHTML(r) || h.Sessions == nil {
		httpx.Error(w, status, msg)
		return
	}
	v := peopleView{Error: msg, SignIn: signIn}
	h.render(w, r, status, "people", "Error", baseOf(r), "", v)
}

// baseOf is where /admin/ is relative to the request's page.
func baseOf(r *http.Request) string {
	rest, _ := adminRest(r)
	return strings.Repeat("../", strings.Count(rest, "/"))
}

// adminRest is the request's path after /admin/ as the browser sent it
// (ok: the path has /admin/), the path a page's relative links and
// redirects are resolved against. Not the decoded path: an escaped slash
// (/admin/people/a%2Fb%2Fc) is no segment to the browser, and each one
// counted as one led a page's links and the sign-in redirect up and out
// of /admin/, to the host's own /login, /people.
func adminRest(r *http.Request) (string, bool) {
	p := r.URL.EscapedPath()
	if i := strings.Index(p, "/admin/"); i >= 0 {
		return p[i+len("/admin/"):], true
	}
	return "", false
}
