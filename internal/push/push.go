// Package push delivers MQLs to the sales team's systems: it builds what
// sales needs (who, why now, what they did), hands it to each configured
// connector, and decides per failure whether to retry (with exponential
// backoff and jitter, honouring Retry-After) or to dead-letter it with the
// reason. Deliveries are recorded per connector, so a retry after a partial
// success never pushes twice to the connector that already took it.
package push

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/clock"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/jatext"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/textcut"
)

// Touch is a marketing touch: where a person came from.
type Touch struct {
	Channel  string    `json:"channel,omitempty"` // search, social, email, paid, referral, direct: the reports' channels
	Source   string    `json:"source,omitempty"`
	Medium   string    `json:"medium,omitempty"`
	Campaign string    `json:"campaign,omitempty"`
	Referrer string    `json:"referrer,omitempty"`
	URL      string    `json:"url,omitempty"`
	At       time.Time `json:"at,omitzero"` // unknown: absent, never 0001-01-01
}

// Activity is one thing the person did.
type Activity struct {
	Type  string `json:"type"`
	Name  string `json:"name,omitempty"`
	URL   string `json:"url,omitempty"`
	Title string `json:"title,omitempty"`
	// Campaign is the campaign it came with: a tracked click's campaign id,
	// else the page's utm_campaign. The inbox card names it beside the
	// page, whose address it shows without its query.
	Campaign string    `json:"campaign,omitempty"`
	Minutes  int       `json:"minutes,omitempty"` // how long they attended an offline touch (a webinar report's, rejoins summed); 0: not said
	At       time.Time `json:"at,omitzero"`
}

// Lead is what an SFA receives for an MQL.
type Lead struct {
	MQLID          string            `json:"mqlId"` // idempotency key at the SFA
	PersonID       string            `json:"personId"`
	Email          string            `json:"email"`
	Attributes     map[string]string `json:"attributes"`
	BehaviourScore float64           `json:"behaviourScore"`
	FitScore       float64           `json:"fitScore"`
	Grade          string            `json:"grade"`
	Condition      string            `json:"condition"`
	Reasons        []string          `json:"reasons"`
	QualifiedAt    time.Time         `json:"qualifiedAt,omitzero"`
	// RaisedAt is when Baton raised the MQL and handed it to sales (a late
	// batch's QualifiedAt is days before): the inbox lists leads by it,
	// and sales' verdicts on the lead count from it. Zero in leads stored
	// before it was kept (QualifiedAt was then the same).
	RaisedAt time.Time `json:"raisedAt,omitzero"`
	// FirstTouch and LastTouch are the person's touches up to the MQL;
	// a person without any (a lead imported, a form with no visit
	// before it) has none: absent from the JSON, not a touch of zero time.
	FirstTouch Touch `json:"firstTouch,omitzero"`
	LastTouch  Touch `json:"lastTouch,omitzero"`
	// Activity is what the person did up to the MQL (QualifiedAt), newest
	// first: why they qualified. What they did after it and before the
	// lead was built (a late batch's MQL is dated days before its
	// hand-off; scoring runs after the event) is AfterMQL, never mixed in:
	// sales read a page viewed after the MQL as part of its reason.
	Activity []Activity `json:"activity"`
	// AfterMQL is the activity after the MQL's moment up to the lead's
	// hand-off, newest first, at most maxAfterMQL; shown apart, labelled.
	AfterMQL []Activity `json:"afterMql,omitempty"`
	// Reinquiries are the forms the person sent after this MQL reached
	// the built-in inbox (Inbox.PushActivity), newest first, at most
	// maxInboxReinquiries: the inbox's card says they came back. Only
	// the inbox's leads hold them (an SFA gets each on its own).
	Reinquiries []FormActivity `json:"reinquiries,omitempty"`
	// AttendanceChanges are the changes of attendance told after this
	// MQL reached the built-in inbox (Inbox.PushActivity): a touch among
	// its reasons the person did not attend after all, or, corrected,
	// did; newest first, at most maxInboxReinquiries. Only the inbox's
	// leads hold them (an SFA gets each on its own).
	AttendanceChanges []AttendanceChange `json:"attendanceChanges,omitempty"`
	// Cycle is the person's MQL count with this one: a lead sales sent back
	// is an MQL again in a later cycle, and Recycled says why it is back.
	Cycle    int       `json:"cycle"`
	Recycled *Recycled `json:"recycled,omitempty"`
	// PersonURL is the person's page in Baton's workspace (the public
	// URL and the admin's person path): their journey and why they
	// scored, which no SFA holds. Summary gives it, as a link; "" when no
	// public URL is configured.
	PersonURL string `json:"personUrl,omitempty"`
	// FormValues are the values that no SFA field takes (a department, a
	// question of the site's own) of the person's latest form up to the
	// MQL (QualifiedAt: the form that qualified them, or the last before
	// it), labelled as the visitor read them, for Summary: the person's
	// attributes keep only Baton's own, and the SFAs' fields only some.
	// Inquiry is that form's message (nil: the form held none, and
	// Summary quotes the person's message attribute).
	FormValues []FormValue `json:"-"`
	Inquiry    *string     `json:"-"`
	// LaterForm is the newest form the person sent after the MQL, before
	// the lead was built, with what it changed of the form above; Summary
	// says it apart, labelled, never as the values the MQL came with.
	LaterForm *LaterForm `json:"-"`
	// Lang is the language Summary writes for sales ("ja": Japanese;
	// else English): the configured sfa.language.
	Lang string `json:"-"`
	// Label is the condition's name as sales read it in Lang: the rules
	// file's label (rulebook.Rules.ConditionLabel), where Condition is its
	// machine name, which reports and filters know; "": Condition.
	Label string `json:"-"`
	// Bands are the behaviour bands' labels in Lang by band name
	// (rulebook.Rules.BandLabels), for a matrix reason; nil: by name.
	Bands map[string]string `json:"-"`
	// Sites are the team's own sites' hosts (config.SiteHosts): Summary
	// writes a URL on another as no link (event.OffsiteURL).
	Sites []string `json:"-"`
	// Campaigns names the campaigns the activity and touches came with
	// (Activity.Campaign, Touch.Campaign: a campaign id or utm_campaign ->
	// the campaign's name), for Summary; one missing is written as it came.
	Campaigns map[string]string `json:"-"`
	// Unchanged are the attributes whose value is the one this connector
	// was sent with the person's previous MQL (sent.go): a connector
	// updating the record it made leaves their fields as sales may have
	// corrected them. Nil for a first delivery.
	Unchanged map[string]bool `json:"-"`
	// inboxKey is its inbox entry's key, when read from the inbox
	// (InboxCursor).
	inboxKey string
	// forms are the ids of the forms in the timeline it was built from
	// (Delivery.Forms).
	forms []string
	// Last are the hashes of the attribute values this connector was
	// handed with the person's previous MQL (sent.go), for SalesOwn. Nil
	// for a first delivery.
	Last map[string]string `json:"-"`
	// Record is the record this connector's latest delivery of the
	// person's previous MQLs went on (its Delivery.ExternalID, of the same
	// delivery as Last); "" for a first delivery. A connector that cannot
	// find the record again by the person (HubSpot's contact made without
	// the email it refuses) goes on with it.
	Record string `json:"-"`
}

// Recycled is the verdict sales gave the previous MQL (rejected or lost),
// after which the lead went back to nurturing: the MQL is new evidence
// since then.
type Recycled struct {
	Outcome string    `json:"outcome"`
	At      time.Time `json:"at,omitzero"`
	Why     string    `json:"why,omitempty"` // sales' reason, as their SFA gave it
}

// MaxErrorText bounds the failure a delivery records (LastError), whatever
// a connector's error holds: an SFA's HTML error page whole made a record
// DynamoDB refuses (400 KB), and the attempt went unrecorded.
const MaxErrorText = 2048

// Subject is the lead's one line, for an SFA's activity list (a Task's
// subject): its condition, and whether it qualified again after sales
// sent it back (sales filtering their Tasks see a returning lead as such).
func (l Lead) Subject() string {
	w := english
	if l.Lang == "ja" {
		w = japanese
	}
	if l.Recycled == nil {
		return fmt.Sprintf(w.subject, l.condition())
	}
	return fmt.Sprintf(w.subjectAgain, l.Cycle, l.condition())
}

// condition is the condition as sales read it: its label, else its name.
func (l Lead) condition() string {
	if l.Label != "" {
		return l.Label
	}
	return l.Condition
}

// matrixFact is the engine's fact of a cross-scoring cell (rulebook).
var matrixFact = regexp.MustCompile(`^matrix cell (\S+) x (\S+)$`)

// reason is one of the MQL's facts as the summary words it: a matrix
// cell by its band's label when the rules file gives one.
func (l Lead) reason(r string, w summaryWords) string {
	if m := matrixFact.FindStringSubmatch(r); m != nil && l.Bands[m[1]] != "" {
		return fmt.Sprintf(w.matrix, l.Bands[m[1]], m[2])
	}
	return w.phrase(qualify.FactText(r)) // a score as the line below says it
}

// Summary is the text sales reads: why now, and what they did; in
// Japanese when Lang is "ja", its facts and names as the workspace's
// Japanese pages word them (jatext). Event types, stages and channels read
// by name in either language ("form submit", not form_submit), as the
// pages name them.
func (l Lead) Summary() string {
	w := english
	if l.Lang == "ja" {
		w = japanese
	}
	var b strings.Builder
	reasons := make([]string, len(l.Reasons))
	for i, r := range l.Reasons {
		reasons[i] = event.Unlinked(l.reason(r, w), l.Sites, w.offsite)
	}
	fmt.Fprintf(&b, w.mql, l.condition(), strings.Join(reasons, w.sep))
	if !l.QualifiedAt.IsZero() {
		// When they qualified, in the configured zone, named: sales reading
		// only the activity's times could not tell which line made the MQL.
		fmt.Fprintf(&b, w.at, l.QualifiedAt.Format("2006-01-02 15:04 MST"))
	}
	if r := l.Recycled; r != nil {
		on := "" // a verdict of unknown date says none, not 0001-01-01
		if !r.At.IsZero() {
			on = fmt.Sprintf(w.on, r.At.Format("2006-01-02"))
		}
		fmt.Fprintf(&b, w.again, l.Cycle, w.name("stage:"+r.Outcome), on)
		if r.Why != "" {
			fmt.Fprintf(&b, w.why, r.Why)
		}
		b.WriteString(w.recycled)
	}
	fmt.Fprintf(&b, w.scores, qualify.ScoreText(l.BehaviourScore), qualify.ScoreText(l.FitScore), l.Grade)
	l.writeInquiry(&b, w)
	if l.FirstTouch.Channel != "" || l.FirstTouch.Source != "" || l.FirstTouch.Referrer != "" {
		fmt.Fprintf(&b, w.first, l.FirstTouch.describe(w, l))
	}
	if l.LastTouch.Channel != "" || l.LastTouch.Source != "" || l.LastTouch.Referrer != "" {
		fmt.Fprintf(&b, w.last, l.LastTouch.describe(w, l))
	}
	why, since := l.UpToMQL(), l.SinceMQL()
	if len(since) > maxAfterMQL {
		since = since[:maxAfterMQL]
	}
	if len(why) > summaryLines {
		why = why[:summaryLines]
	}
	shown := make([]time.Time, 0, len(why)+len(since))
	for _, a := range why {
		shown = append(shown, a.At)
	}
	for _, a := range since {
		shown = append(shown, a.At)
	}
	if zones := calendar.AbbreviationsOf(shown...); zones != "" {
		// The times below are in the configured timezone; which one is said
		// once, so that sales reading "09:00" know it is JST, not UTC; both
		// names when the lines are either side of a clock change (EDT/EST:
		// the newest line's alone labelled the older ones wrong).
		fmt.Fprintf(&b, w.recentIn, zones)
	} else {
		b.WriteString(w.recent)
	}
	l.writeActivity(&b, w, why)
	if len(since) > 0 {
		// Not why they qualified: what they did after it, before the lead
		// reached sales (a late MQL's hand-off is days after it).
		b.WriteString(w.after)
		l.writeActivity(&b, w, since)
	}
	return b.String()
}

// writeActivity writes the activity lines of as, newest first.
func (l Lead) writeActivity(b *strings.Builder, w summaryWords, as []Activity) {
	for _, a := range as {
		what := a.Title
		if what == "" {
			what = a.Name
		}
		if a.Minutes > 0 {
			what += fmt.Sprintf(w.minutes, a.Minutes)
		}
		// What it was and where, when known: an open or a download without a
		// title left two spaces and a trailing one in the line.
		line := []string{"-", when(a.Type, a.At), w.name(a.Type)}
		if a.At.IsZero() { // unknown: no time, not 0001-01-01
			line = slices.Delete(line, 1, 2)
		}
		if what != "" {
			line = append(line, event.Unlinked(what, l.Sites, w.offsite))
		}
		if a.URL != "" {
			line = append(line, l.pageURL(a.URL, w))
		}
		if c := l.campaign(a.Campaign, w); c != "" {
			line = append(line, fmt.Sprintf(w.campaign, c))
		}
		b.WriteString(strings.Join(line, " ") + "\n")
	}
}

// when is an activity's time on a summary's line: its day alone for an
// offline touch at midnight (an import's row names a day, and 00:00 read
// as a time it never had: sales thanked a visitor for coming at
// midnight), else its minute.
func when(typ string, at time.Time) string {
	if y, m, d := at.Date(); typ == event.Offline && at.Equal(calendar.DayStart(y, m, d, at.Location())) {
		return at.Format("2006-01-02")
	}
	return calendar.FormatMarked(at, "2006-01-02 15:04") // 01:30 EDT, 01:30 EST: the hour shown twice says which
}

// summaryLines is how many of the activity (newest first) Summary writes.
const summaryLines = 15

// maxAfterMQL is how many of the activity after the MQL a lead keeps
// (AfterMQL), and Summary writes.
const maxAfterMQL = 5

// UpToMQL is the lead's activity up to its MQL (QualifiedAt), newest
// first: what it qualified on. A lead stored before AfterMQL was kept held
// the later activity in Activity: it is left out here.
func (l Lead) UpToMQL() []Activity {
	if l.QualifiedAt.IsZero() {
		return l.Activity
	}
	out := make([]Activity, 0, len(l.Activity))
	for _, a := range l.Activity {
		if !a.At.After(l.QualifiedAt) {
			out = append(out, a)
		}
	}
	return out
}

// SinceMQL is the lead's activity after its MQL up to its hand-off, newest
// first: AfterMQL, with the later lines a lead stored before it was kept
// held in Activity.
func (l Lead) SinceMQL() []Activity {
	out := slices.Clone(l.AfterMQL)
	if l.QualifiedAt.IsZero() {
		return out
	}
	for _, a := range l.Activity {
		if a.At.After(l.QualifiedAt) {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(x, y Activity) int { return y.At.Compare(x.At) })
	return out
}

// maxCampaignText bounds a campaign's name or utm_campaign (up to 256
// bytes as the collector keeps it) on a summary's line: fifteen lines of
// them stay well within the smallest summary field a connector fills.
const maxCampaignText = 120

// campaign is the campaign c (an activity's or a touch's) as the summary
// names it: by its name when Baton knows it (Campaigns), else as it came,
// a URL in it marked as any value's; without control characters (a line
// break would begin a line of its own). "" for none.
func (l Lead) campaign(c string, w summaryWords) string {
	if c == "" {
		return ""
	}
	if n := l.Campaigns[c]; n != "" {
		c = n
	}
	return event.Unlinked(textcut.Bytes(strings.TrimSpace(textcut.Controls(strings.ReplaceAll(strings.ReplaceAll(c, "\r", " "), "\n", " "))), maxCampaignText), l.Sites, w.offsite)
}

// pageURL is an activity's or touch's URL as the summary writes it: one
// on the team's sites without its utm_* parameters (the line names the
// campaign they said: a rep reads the newsletter, not
// ?utm_source=newsletter&utm_medium=email&utm_campaign=2026-11-nl), its
// other parameters and fragment kept; any other marked, whole
// (event.OffsiteURL).
func (l Lead) pageURL(u string, w summaryWords) string {
	if event.OwnSite(u, l.Sites) {
		u = withoutUTM(u)
	}
	return event.OffsiteURL(u, l.Sites, w.offsite)
}

// withoutUTM is u without the query parameters whose name (unescaped,
// whatever its case) begins "utm_", the others as they were written and
// in their order; without "?" when none is left.
func withoutUTM(u string) string {
	base, frag, hasFrag := strings.Cut(u, "#")
	path, query, hasQuery := strings.Cut(base, "?")
	if !hasQuery {
		return u
	}
	var kept []string
	for _, p := range strings.Split(query, "&") {
		k, _, _ := strings.Cut(p, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if !strings.HasPrefix(strings.ToLower(k), "utm_") {
			kept = append(kept, p)
		}
	}
	out := path
	if len(kept) > 0 {
		out += "?" + strings.Join(kept, "&")
	}
	if hasFrag {
		out += "#" + frag
	}
	return out
}

// summaryWords are a language's words for Summary: name names an event
// type, a stage, a channel (jatext.Name).
type summaryWords struct {
	mql, sep, again, on, why, recycled, scores, first, last, recent string
	recentIn                                                        string // the heading, naming the times' zone
	after                                                           string // the heading of the activity after the MQL, before the hand-off
	page, referrer                                                  string // a touch's page, after its channel; its referrer, when that is all it has
	minutes                                                         string // how long an offline touch lasted, after its name
	campaign                                                        string // the campaign an activity came with, after its page
	subject, subjectAgain                                           string
	at                                                              string // when the lead qualified
	matrix                                                          string // a matrix cell's fact, its band by label
	offsite                                                         string // marks a URL not on the team's sites (event.OffsiteURL), as the workspace does
	phrase, name                                                    func(string) string
}

var (
	english = summaryWords{
		mql: "MQL (%s): %s\n", at: "Qualified: %s\n", sep: "; ", subject: "MQL: %s", subjectAgain: "MQL again (MQL %d): %s",
		again: "Qualified again (MQL %d): sales marked the previous MQL %s%s", on: " on %s", why: " (%s)",
		recycled: "; it was recycled, and this MQL rests on activity since\n",
		scores:   "Behaviour %s, fit %s (grade %s)\n", first: "First touch: %s\n", last: "Last touch: %s\n", recent: "Recent activity:\n",
		recentIn: "Recent activity (times in %s):\n", after: "After the MQL, before the hand-off (not part of why it qualified):\n", page: " (%s)", referrer: "referrer ", minutes: " (%d min)", campaign: "(campaign: %s)",
		matrix:  "matrix cell %s x %s",
		offsite: event.OffsiteMark("en"),
		phrase:  func(s string) string { return s },
		name:    func(k string) string { return jatext.Name("en", k) },
	}
	japanese = summaryWords{
		mql: "MQL（%s）：%s\n", at: "MQL になった日時：%s\n", sep: "／", subject: "MQL：%s", subjectAgain: "再度の MQL（%d 回目）：%s",
		again: "再度の MQL（%d 回目）：前回の MQL を営業が「%s」とした%s", on: "（%s）", why: "。理由：%s",
		recycled: "。ナーチャリングに戻した後の行動による MQL です\n",
		scores:   "行動スコア %s、適合度 %s（グレード %s）\n", first: "最初の接点：%s\n", last: "直近の接点：%s\n", recent: "最近の行動：\n",
		recentIn: "最近の行動（時刻は %s）：\n", after: "MQL の後、引き渡しまでの行動（MQL の理由には含みません）：\n", page: "（%s）", referrer: "参照元 ", minutes: "（%d 分）", campaign: "（キャンペーン：%s）",
		matrix:  "マトリクス：行動帯 %s × グレード %s",
		offsite: event.OffsiteMark("ja"),
		phrase:  jatext.Or,
		name:    func(k string) string { return jatext.Name("ja", k) },
	}
)

// describe says a touch of l: its channel by name (the workspace's pages'
// name, jatext: an offline touch's kind, 展示会, ウェビナー), then its
// source as it came and its campaign by name when Baton knows it
// (Lead.campaign). Not its medium: the channel says it, in the lead's
// language, where the medium repeated it in English ("メール / nl /
// email"; an offline touch's is "offline"). Its URLs, and any
// in its values, as links only on the team's sites (event.OffsiteURL), a
// page there without the utm_* parameters its values already say.
func (t Touch) describe(w summaryWords, l Lead) string {
	sites := l.Sites
	parts := []string{}
	if t.Channel != "" {
		parts = append(parts, w.name("channel:"+t.Channel))
	}
	if t.Source != "" {
		parts = append(parts, event.Unlinked(t.Source, sites, w.offsite))
	}
	if c := l.campaign(t.Campaign, w); c != "" {
		parts = append(parts, c)
	}
	if len(parts) == 0 && t.Referrer != "" {
		parts = append(parts, w.referrer+event.OffsiteURL(t.Referrer, sites, w.offsite))
	}
	if t.URL == "" {
		return strings.Join(parts, " / ")
	}
	return strings.Join(parts, " / ") + fmt.Sprintf(w.page, l.pageURL(t.URL, w))
}

// Error classifies a connector failure.
type Error struct {
	Connector  string
	Status     int
	Code       string
	Message    string
	Permanent  bool          // will never succeed as is: dead-letter it with the reason
	RetryAfter time.Duration // the SFA said when to come back
	// MaxAttempts bounds a failure that is not Permanent but not known to
	// pass either (an SFA's code Baton has no word on): dead, with the
	// reason, once the delivery has made this many attempts, on every
	// queue. 0: only the worker's bound (none on SQS: its redrive policy).
	MaxAttempts int
	// Quota: the SFA refused because the account's API allocation is
	// spent (Salesforce's 24-hour TotalRequests, HubSpot's DAILY limit),
	// not for anything wrong with the lead or the SFA. It passes once the
	// allocation resets, so such a refusal counts toward no attempt bound:
	// the delivery waits (RetryAfter) up to QuotaPatience from the first
	// refusal in a row, where twelve attempts would have given up on a
	// daily limit within two hours.
	Quota bool
}

// QuotaPatience is how long a delivery waits for an SFA's spent API
// allocation to reset before it is dead: two days, past any daily window.
const QuotaPatience = 48 * time.Hour

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: %d", e.Connector, e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Connector delivers a lead to one system.
type Connector interface {
	Name() string
	// Push upserts the lead idempotently (by MQL id / email at the SFA) and
	// returns the SFA's id for it.
	Push(ctx context.Context, l Lead) (externalID string, err error)
}

// Delivery is one connector's delivery of one MQL: its status (pending,
// delivered with the SFA's id, retrying with the last error and when it is
// due again, dead with the reason), kept per MQL and connector so that each
// connector retries, dead-letters and replays on its own.
type Delivery struct {
	MQLID       string            `json:"mqlId"`
	Connector   string            `json:"connector"`
	Status      string            `json:"status"` // pending, delivered, retrying, dead; not_sent, relay_lost, withheld (Status only: no record); connector_removed (Status only: Was holds the record's)
	ExternalID  string            `json:"externalId,omitempty"`
	Attempts    int               `json:"attempts,omitempty"`
	LastError   string            `json:"lastError,omitempty"`
	NextAttempt time.Time         `json:"nextAttempt,omitzero"`
	Steps       map[string]string `json:"steps,omitempty"` // what a connector remembers between attempts (e.g. HubSpot's note id)
	At          time.Time         `json:"at,omitzero"`     // last change; none without a record (pending, not_sent)
	// QuotaSince is when the SFA's refusals for a spent API allocation
	// began (Error.Quota), zero once it answered otherwise. Quota counts
	// those refusals among Attempts (an attempt may have made part of the
	// lead, as any), which no attempt bound or backoff counts.
	QuotaSince time.Time `json:"quotaSince,omitzero"`
	Quota      int       `json:"quota,omitempty"`
	// Claimed is until when a worker is pushing it now (Worker.Claim): a
	// second copy of the message (SQS delivers at least once, and the
	// score function relays an MQL again when a stream batch holding it
	// is retried) waits for it instead of pushing the same lead at once.
	Claimed time.Time `json:"claimed,omitzero"`
	// Sent are short hashes of the lead's attribute values, kept once
	// delivered: the next MQL's lead says which are unchanged (sent.go).
	Sent map[string]string `json:"sent,omitempty"`
	// Forms are the ids of the forms in the timeline the delivered lead
	// was built from (newest first, at most 50): a form sent after the
	// MQL (a re-inquiry) among them reached the connector with the lead,
	// and is not sent again on its own (reinquiry.go).
	Forms []string `json:"forms,omitempty"`
	// Was is the status the record holds when Status says
	// connector_removed (StatusRemoved): pending, retrying or dead.
	Was string `json:"was,omitempty"`
}

// Delivery statuses.
const (
	StatusPending   = "pending"
	StatusDelivered = "delivered"
	StatusRetrying  = "retrying"
	StatusDead      = "dead"
	// StatusNotSent is a configured connector that has no record of an
	// MQL raised before it was connected (connectedAfter): the MQL's
	// message is over, so nothing will send it unless asked (SendTo).
	// Status says it; no record holds it.
	StatusNotSent = "not_sent"
)

// Progress lets a connector remember what it already did for one delivery
// (an object it created, say), so a retry never does it twice without
// having to search the SFA, whose search index may lag its writes. The
// worker keeps it in the delivery record; Push finds it in its context.
type Progress interface {
	Step(key string) string
	SaveStep(ctx context.Context, key, value string) error
}

type progressKey struct{}

// WithProgress hands a Progress to a connector's Push.
func WithProgress(ctx context.Context, p Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// ProgressFrom returns the Progress of ctx; without one, a throwaway one in
// memory (nothing is remembered across calls).
func ProgressFrom(ctx context.Context) Progress {
	if p, ok := ctx.Value(progressKey{}).(Progress); ok && p != nil {
		return p
	}
	return MemProgress{}
}

// MemProgress is a Progress in memory (tests, and calls outside the worker).
type MemProgress map[string]string

// Step implements Progress.
func (m MemProgress) Step(key string) string { return m[key] }

// SaveStep implements Progress.
func (m MemProgress) SaveStep(_ context.Context, key, value string) error {
	m[key] = value
	return nil
}

// Worker drains the push queue.
type Worker struct {
	Queue       *queue.Queue
	T           table.Table
	Dir         *identity.Directory
	Stitcher    *identity.Stitcher
	Connectors  []Connector
	MaxAttempts int           // local queue: a connector failing this often is dead (default 12); on SQS the redrive policy decides
	BaseDelay   time.Duration // first retry delay (default 2s), doubled each attempt
	MaxDelay    time.Duration // cap (default 15m)
	Lease       time.Duration // how long a message is ours (default 2m)
	Claim       time.Duration // how long the worker pushing a connector's delivery holds it (default 2m, past the push function's 60 s): a copy of the message waits, a dead worker's claim runs out
	Now         func() time.Time
	Log         *slog.Logger
	// Touches returns the person's touches as scoring kept them (first
	// touch and the latest): the same facts the reports attribute, so sales
	// and marketing see one first touch. Nil: derived from the timeline.
	Touches func(ctx context.Context, person string) ([]qualify.Touch, error)
	// TellForget, when set (sfa.erase), tells a connector to forget a person
	// whose lead it took while they were being erased: a call that began
	// before the tombstone and ended after the erasure told the SFAs. ds
	// is what that delivery knew of the records it made (its ExternalID and
	// Steps), never written: the tombstone refused the record.
	TellForget func(ctx context.Context, c Connector, personID, email string, ds []Delivery) error
	// History returns the person's stage history (qualify), which tells
	// a requalified lead's recycle; nil: the lead does not say it.
	History func(ctx context.Context, person string) ([]qualify.StageChange, error)
	// AccountFacts keeps what an SFA reported of an account's company while
	// taking an MQA (ReportFacts); nil: not kept.
	AccountFacts func(ctx context.Context, account string, attrs map[string]string) error
	// Loc is the zone times are shown to sales in (the configured
	// timezone; nil: UTC): the lead's times and the summary's.
	Loc *time.Location
	// Lang is the language of the summary sales read (Lead.Lang).
	Lang string
	// PublicURL is where browsers reach Baton (BATON_PUBLIC_URL with
	// BATON_BASE_PATH), read per lead (the local stack learns its port
	// after assembly): a lead links to the person's page under it
	// (Lead.PersonURL). Nil or "": no link.
	PublicURL func() string
	// Rules are the rules in force, for the labels of their conditions,
	// bands and MQA (Lead.Label, account.MQA.Label); nil: machine names.
	Rules *rulebook.Rules
	// Sites are the team's own sites' hosts (Lead.Sites).
	Sites []string
	// CampaignNames reads the names of the campaigns with these ids or
	// utm_campaign values (links.Registry.Names), for the summary to name
	// the campaign an activity came with; nil: written as they came.
	CampaignNames func(ctx context.Context, ids []string) (map[string]string, error)
	// Referrals are the hosts whose referrals are no touch (the
	// Qualifier's), for a lead whose touches are read from its events.
	Referrals qualify.Referrals
	// Wake, when set, is signalled when a message was queued (the local
	// relay): Run looks at once instead of waiting out its poll interval.
	Wake <-chan struct{}
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now().UTC()
	}
	return clock.Now().UTC()
}

// RunOnce receives due messages and delivers them; it returns how many it handled.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	lease := w.Lease
	if lease == 0 {
		lease = 2 * time.Minute
	}
	msgs, err := w.Queue.Receive(ctx, 10, lease)
	if err != nil {
		return 0, err
	}
	for _, m := range msgs {
		if err := w.handle(ctx, m); err != nil {
			return 0, err
		}
	}
	return len(msgs), nil
}

// Run drains the queue until ctx ends, polling every interval when idle.
func (w *Worker) Run(ctx context.Context, interval time.Duration) {
	for ctx.Err() == nil {
		n, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.log().Error("push", "err", err)
		}
		if n == 0 || err != nil {
			t := time.NewTimer(interval)
			select {
			case <-ctx.Done():
			case <-t.C:
			case <-w.Wake:
			}
			t.Stop()
		}
	}
}

func (w *Worker) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

func (w *Worker) handle(ctx context.Context, m queue.Message) error {
	max := w.MaxAttempts
	if max == 0 {
		max = 12
	}
	_, res, err := w.deliverBody(ctx, m.Body, max)
	if err != nil {
		return w.Queue.DeadLetter(ctx, m, "undecodable message: "+err.Error())
	}
	switch {
	case res.Done:
		return w.Queue.Ack(ctx, m)
	case res.Permanent:
		return w.Queue.DeadLetter(ctx, m, res.Reason)
	}
	// Due again when the first connector still waiting is; a connector
	// still to hear of an erasure, backing off as the push function's
	// visibility does (it has no record whose backoff says when: it was
	// hit again at once, each time).
	after := res.RetryAfter
	if res.Forgetting {
		after = w.Backoff(m.Attempts-1, after)
	}
	err = w.Queue.Retry(ctx, m, after, res.Reason)
	if err != nil && res.Forgetting {
		// The erasure that ran during the delivery deleted its message
		// (the table's queue: SQS's cannot be), the only copy of what
		// tells the connector to forget the person: queued again, past
		// the tombstone check to tellPending.
		if _, gerr := w.Queue.Get(ctx, m.ID); errors.Is(gerr, table.ErrNotFound) {
			return w.Queue.EnqueueDue(ctx, m.ID, m.Body, w.now().Add(after))
		}
	}
	return err
}

// Result is the outcome of one delivery attempt of an MQL to every connector.
type Result struct {
	Done      bool   // every connector has it
	Permanent bool   // every connector is settled, some dead: dead-letter the MQL (a replay retries only those)
	Reason    string // why not done
	// Brief is Reason as logs may say it: each connector not done, its
	// status and, for this attempt's refusal, the HTTP status and the
	// SFA's error code, never the SFA's message. Its message quotes what
	// it refused, the lead's email, name or company ("Email: invalid email
	// address: ..."), and a log line is out of an erasure's reach; Reason
	// goes to the delivery record and the dead letter, which are erased.
	Brief      string
	RetryAfter time.Duration // until the first connector still retrying is due again (its backoff, or the SFA's Retry-After)
	// Forgetting: a connector that took the lead while its person was
	// erased has not heard yet (a pending marker): the message must come
	// back, even if the erasure deleted it (handle).
	Forgetting bool
}

// Deliver pushes an MQL to each connector that does not have it yet, each
// on its own: a connector that fails, permanently or not, never holds back
// another, and each has its own attempts, backoff and dead letter, recorded
// per MQL and connector (Deliveries, Status). It is what the push function
// (SQS) calls; there the queue's redrive policy ends a message that keeps
// failing, so no connector gives up by its attempt count.
//
// An MQL of a person who asked to be forgotten (their email has a
// tombstone) is dropped, reported done: on AWS the push queue is SQS, whose
// messages cannot be deleted selectively, so an erasure leaves them to this
// check. The same holds for a dead letter replayed after the erasure.
func (w *Worker) Deliver(ctx context.Context, mql qualify.MQL) Result {
	return w.deliverOwn(ctx, mql, 0)
}

func (w *Worker) deliver(ctx context.Context, mql qualify.MQL, maxAttempts int) Result {
	return w.deliverMarked(ctx, mql, maxAttempts, "")
}

// deliverMarked is deliver; a re-inquiry's id in byReinquiry is kept in
// each delivery record it makes (reinquiryStep): a re-inquiry delivers
// the MQL itself to a connector that never had it (reinquiry.go), and
// that re-inquiry's later attempts go on with it.
func (w *Worker) deliverMarked(ctx context.Context, mql qualify.MQL, maxAttempts int, byReinquiry string) Result {
	if gone, err := privacy.Erased(ctx, w.T, mql.Email); err != nil {
		return Result{Reason: "tombstone check: " + err.Error()}
	} else if gone {
		if res := w.tellPending(ctx, target{id: mql.ID, person: mql.Person, email: mql.Email}); !res.Done {
			return res
		}
		w.log().Info("push: dropped the MQL of an erased person") // no personal data in logs
		return Result{Done: true}
	}
	p, err := w.Dir.Get(ctx, mql.Person)
	if errors.Is(err, identity.ErrNotFound) {
		return Result{Done: true} // the person was erased meanwhile: nothing to deliver
	}
	if err != nil {
		return Result{Reason: "consent check: " + err.Error()}
	}
	if !p.ConsentWithdrawn.IsZero() && !w.deliveredToAll(ctx, mql) {
		// Raised before the withdrawal and still queued: handing their
		// email to the SFA now is recording them further. Dead-lettered,
		// not dropped: a replay once consent is given again delivers it.
		// (A copy of an MQL every connector has is done, as any.)
		return Result{Permanent: true, Reason: "the person withdrew consent (opt-out) after qualifying: not handed to the SFA; replay it if they consent again"}
	}
	lead, err := w.Build(ctx, mql)
	if errors.Is(err, identity.ErrNotFound) {
		return Result{Done: true} // the person was erased meanwhile: nothing to deliver
	}
	if err != nil {
		return Result{Reason: "build lead: " + err.Error()}
	}
	sent, record, err := lastSent(ctx, w.T, mql.Person, mql.ID)
	if err != nil {
		return Result{Reason: "earlier deliveries: " + err.Error()}
	}
	return w.run(ctx, target{pk: identity.PersonPK(mql.Person), id: mql.ID, person: mql.Person, email: mql.Email, sent: SentHashes(lead.Attributes), forms: lead.forms, mql: true}, maxAttempts,
		func(ctx context.Context, c Connector) (string, bool, error) {
			l := lead
			prev := sent[c.Name()]
			l.Unchanged, l.Last, l.Record = unchanged(lead.Attributes, prev.Sent), prev.Sent, record[c.Name()]
			if p := ProgressFrom(ctx); byReinquiry != "" && p.Step(reinquiryStep) == "" {
				if err := p.SaveStep(ctx, reinquiryStep, byReinquiry); err != nil {
					return "", true, err
				}
			}
			ext, err := c.Push(ctx, l)
			return ext, true, err
		})
}

// KindForgetPending marks a connector that took an MQL's lead (or a
// re-inquiry's form) while its person was being erased and has not yet
// heard TellForget (ForgetPK).
const KindForgetPending = "sfaforget"

// forgetPendingFor is how long such a marker is kept: SQS's retention, past
// which the message that would act on it is gone.
const forgetPendingFor = 14 * 24 * time.Hour

// ForgetPK is the partition of a delivery's pending TellForget markers,
// one item a connector (its name as the sort key); id is the delivery's
// (target.id): an MQL's, or a re-inquiry's (<mql>-f...), whose message's
// retry reads them (tellPending).
func ForgetPK(id string) string { return "SFAFORGET#" + id }

// tellPending tells each connector with a pending marker for the delivery
// t (its person erased during it, TellForget failed) to forget them, the
// message's copy of their email being all that is left of them here. Its
// message's retry calls it past the tombstone check, MQL and re-inquiry
// alike: tellErased writes the marker under t.id, whichever it is.
func (w *Worker) tellPending(ctx context.Context, t target) Result {
	if w.TellForget == nil {
		return Result{Done: true}
	}
	for _, c := range w.Connectors {
		it, err := w.T.Get(ctx, ForgetPK(t.id), c.Name())
		if errors.Is(err, table.ErrNotFound) {
			continue
		} else if err != nil {
			return Result{Reason: "pending forget: " + err.Error()}
		}
		var ds []Delivery // the records the delivery made (a marker written before they were kept has none)
		if len(it.Data) > 0 {
			if err := json.Unmarshal(it.Data, &ds); err != nil {
				return Result{Reason: "pending forget: " + err.Error()}
			}
		}
		if err := w.TellForget(ctx, c, t.person, t.email, ds); err != nil {
			return Result{Reason: "tell " + c.Name() + " to forget a person erased during delivery: " + err.Error(), Brief: "tell a connector to forget a person erased during delivery: " + briefOf(c.Name(), "not heard", err), Forgetting: true}
		}
		// Heard: the marker ends now (an expired item is absent; TTL
		// removes it), a put, which the push function may already do.
		if err := w.T.Put(ctx, table.Item{PK: ForgetPK(t.id), SK: c.Name(), Kind: KindForgetPending, Expires: w.now()}, table.Always); err != nil {
			return Result{Reason: "pending forget: " + err.Error()}
		}
	}
	return Result{Done: true}
}

// target is what a delivery is of: the partition its delivery records are
// kept in, the MQL's (or MQA's) id, and the person an SFA's record id maps
// back to ("" for none).
type target struct {
	pk, id, person, email string
	sent                  map[string]string // an MQL's lead's attributes (SentHashes), kept once delivered
	forms                 []string          // an MQL's lead's forms (Delivery.Forms), kept once delivered
	// mql: the target is an MQL, whose first delivery is indexed by its
	// time (deliveredIndex) for the SLA sweep and report.
	mql bool
}

// errErased is a delivery record refused because its person was erased
// meanwhile (the SFA's call can take seconds): the delivery is over.
var errErased = errors.New("push: the person was erased during the delivery")

// run delivers to each connector that does not have it yet (see Deliver);
// push does one connector's part, ok false when the connector takes no
// such thing (it is left out).
func (w *Worker) run(ctx context.Context, t target, maxAttempts int, push func(ctx context.Context, c Connector) (ext string, ok bool, err error)) Result {
	now := w.now()
	states := make([]Delivery, len(w.Connectors))
	// Each record's version as read: the claim's guard.
	vers := make([]int64, len(w.Connectors))
	open := false // some connector is pending or retrying: this MQL is in flight
	for i, c := range w.Connectors {
		d, ver, err := w.stateAt(ctx, t, c.Name())
		if err != nil {
			return Result{Reason: err.Error()}
		}
		states[i], vers[i] = d, ver
		open = open || d.Status == StatusPending || d.Status == StatusRetrying
	}
	if !open { // nothing in flight but some dead: the dead letter was replayed
		for i := range states {
			if states[i].Status == StatusDead {
				states[i].Status, states[i].Attempts, states[i].NextAttempt, states[i].QuotaSince, states[i].Quota = StatusRetrying, 0, time.Time{}, time.Time{}, 0
			}
		}
	}
	var waiting, dead, brief []string
	var next time.Time
	for i, c := range w.Connectors {
		d := &states[i]
		switch {
		case d.Status == StatusDelivered:
			continue
		case d.Status == StatusDead:
			dead = append(dead, d.LastError)
			brief = append(brief, briefOf(c.Name(), d.Status, nil))
			continue
		case d.NextAttempt.After(now): // its own backoff: not due yet
			waiting = append(waiting, d.LastError)
			brief = append(brief, briefOf(c.Name(), d.Status, nil))
			if next.IsZero() || d.NextAttempt.Before(next) {
				next = d.NextAttempt
			}
			continue
		case d.Claimed.After(now): // another worker is pushing it now
			waiting = append(waiting, c.Name()+": being delivered by another worker")
			brief = append(brief, c.Name()+": being delivered by another worker")
			if next.IsZero() || d.Claimed.Before(next) {
				next = d.Claimed
			}
			continue
		}
		// Claimed first, on the version read: of two workers with a copy
		// each, one pushes and the other waits for it.
		d.Claimed = now.Add(w.claim())
		if err := w.recordIf(ctx, t, *d, table.VersionIs(vers[i])); errors.Is(err, table.ErrConditionFailed) {
			waiting = append(waiting, c.Name()+": being delivered by another worker")
			brief = append(brief, c.Name()+": being delivered by another worker")
			if next.IsZero() || d.Claimed.Before(next) {
				next = d.Claimed
			}
			continue
		} else if err != nil {
			return recordFailed(err)
		}
		prog := &recordProgress{w: w, t: t, d: d}
		ext, ok, err := w.call(WithProgress(ctx, prog), c, push)
		d.Claimed = time.Time{}
		// What the SFA did is written whether or not ctx ended meanwhile
		// (the push function's deadline cuts the connectors off): lost,
		// the lead would be pushed again.
		rctx, cancel := settling(ctx)
		defer cancel()
		if !ok {
			if err := w.record(rctx, t, *d); err != nil { // the claim let go
				return recordFailed(err)
			}
			continue
		}
		if aw := (*errAwaitMQL)(nil); errors.As(err, &aw) {
			// A re-inquiry waiting on its MQL: no attempt of its own.
			d.Status, d.LastError, d.NextAttempt, d.At = StatusRetrying, c.Name()+": "+aw.Error(), aw.until, w.now()
			if err := w.record(rctx, t, *d); err != nil {
				return recordFailed(err)
			}
			waiting = append(waiting, d.LastError)
			brief = append(brief, c.Name()+": awaiting its MQL")
			if next.IsZero() || d.NextAttempt.Before(next) {
				next = d.NextAttempt
			}
			continue
		}
		d.Attempts++
		d.At = w.now()
		if err == nil {
			d.Status, d.ExternalID, d.LastError, d.NextAttempt, d.QuotaSince, d.Sent = StatusDelivered, ext, "", time.Time{}, time.Time{}, t.sent
			d.Forms = t.forms
			// The MQL's first delivery (no connector had it: sales' SLA
			// starts now) is indexed by its time, in the same write.
			var index []table.Write
			if t.mql && !anyDelivered(states, i) {
				index = append(index, deliveredIndexPut(t.id, d.At))
			}
			err := w.recordIf(rctx, t, *d, table.Always, index...)
			if res, told := w.tellErased(rctx, c, t, *d, err); !told {
				return res
			}
			if err != nil {
				return recordFailed(err)
			}
			continue
		}
		var pe *Error
		isPE := errors.As(err, &pe)
		d.LastError = textcut.Bytes(err.Error(), MaxErrorText)
		quota := isPE && pe.Quota && !pe.Permanent
		if !quota {
			d.QuotaSince = time.Time{}
		}
		switch {
		case quota:
			d.Quota++ // not a fault: the SFA will take it once its allocation resets
			if d.QuotaSince.IsZero() {
				d.QuotaSince = d.At
			}
			if d.At.Sub(d.QuotaSince) >= QuotaPatience {
				d.Status, d.NextAttempt = StatusDead, time.Time{}
				d.LastError = textcut.Bytes(fmt.Sprintf("%s: gave up after %d hours of a spent API allocation: %s", c.Name(), int(d.At.Sub(d.QuotaSince).Hours()), err), MaxErrorText)
				break
			}
			d.Status, d.NextAttempt = StatusRetrying, d.At.Add(max(pe.RetryAfter, time.Minute))
		case isPE && pe.Permanent, errors.As(err, new(*errMQLDead)):
			w.log().Warn("push: permanent failure", "connector", c.Name(), "id", t.id, "failure", Failure(err)) // not err: the SFA's message quotes the lead
			d.Status, d.NextAttempt = StatusDead, time.Time{}
		case maxAttempts > 0 && d.Attempts-d.Quota >= maxAttempts, isPE && pe.MaxAttempts > 0 && d.Attempts-d.Quota >= pe.MaxAttempts:
			d.Status, d.NextAttempt = StatusDead, time.Time{}
			d.LastError = textcut.Bytes(fmt.Sprintf("%s: gave up after %d attempts: %s", c.Name(), d.Attempts-d.Quota, err), MaxErrorText)
		default:
			var ra time.Duration
			if isPE {
				ra = pe.RetryAfter
			}
			d.Status, d.NextAttempt = StatusRetrying, d.At.Add(w.delay(d.Attempts-d.Quota-1, ra))
		}
		if err := w.record(rctx, t, *d); err != nil {
			// A failed call may have made something first (HubSpot's
			// contact, its note refused by the tombstone when its id was
			// to be kept): told as a delivered one is.
			if res, told := w.tellErased(rctx, c, t, *d, err); !told {
				return res
			}
			return recordFailed(err)
		}
		brief = append(brief, briefOf(c.Name(), d.Status, err))
		if d.Status == StatusDead {
			dead = append(dead, d.LastError)
			continue
		}
		waiting = append(waiting, d.LastError)
		if next.IsZero() || d.NextAttempt.Before(next) {
			next = d.NextAttempt
		}
	}
	switch {
	case len(waiting) > 0:
		return Result{Reason: strings.Join(append(waiting, dead...), "; "), Brief: strings.Join(brief, "; "), RetryAfter: max(next.Sub(w.now()), 0)}
	case len(dead) > 0:
		return Result{Permanent: true, Reason: strings.Join(dead, "; "), Brief: strings.Join(brief, "; ")}
	}
	return Result{Done: true}
}

// briefOf is one connector's part of Result.Brief: its status and, when
// err is set, Failure's account of it.
func briefOf(connector, status string, err error) string {
	if err == nil {
		return connector + ": " + status
	}
	return connector + ": " + status + " (" + Failure(err) + ")"
}

// Failure is a connector's failure as a log may say it: the SFA's HTTP
// status and error code (400 INVALID_EMAIL_ADDRESS), never its message,
// which quotes what it refused (the lead's email, name or company); any
// other failure by its kind alone (a transport error names the URL called,
// whose query may hold the email a lookup searched by).
func Failure(err error) string {
	var pe *Error
	switch {
	case errors.As(err, &pe) && (pe.Status != 0 || pe.Code != ""):
		return strings.TrimSpace(strings.TrimPrefix(fmt.Sprintf("%d %s", pe.Status, pe.Code), "0 "))
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	default:
		return "no answer"
	}
}

// Logged is what a log line says of the result: Brief, else Reason (then
// Baton's own failure, a store's or a decoding's, quoting no SFA).
func (r Result) Logged() string {
	if r.Brief != "" {
		return r.Brief
	}
	return r.Reason
}

// tellErased tells connector c to forget the person when the record of
// its call was refused because they were erased meanwhile (err is
// errErased): the erasure may have told the SFAs before the lead arrived.
// Until it hears, a marker (no personal data: the MQL's id, the connector,
// and the ids of the records the call made there, which an email cannot
// find: HubSpot's contact without one) makes the message's retry tell it
// again, past the tombstone check that drops it. told false: not heard,
// res says so.
func (w *Worker) tellErased(ctx context.Context, c Connector, t target, d Delivery, err error) (res Result, told bool) {
	if !errors.Is(err, errErased) || w.TellForget == nil {
		return Result{}, true
	}
	made := []Delivery{{MQLID: d.MQLID, Connector: d.Connector, ExternalID: d.ExternalID, Steps: d.Steps}}
	ferr := w.TellForget(ctx, c, t.person, t.email, made)
	if ferr == nil {
		return Result{}, true
	}
	data, _ := json.Marshal(made)
	if merr := w.T.Put(ctx, table.Item{PK: ForgetPK(t.id), SK: c.Name(), Kind: KindForgetPending, Data: data, Expires: w.now().Add(forgetPendingFor)}, table.Always); merr != nil {
		ferr = errors.Join(ferr, merr)
	}
	return Result{Reason: "tell " + c.Name() + " to forget a person erased during delivery: " + ferr.Error(), Brief: "tell a connector to forget a person erased during delivery: " + briefOf(c.Name(), "not heard", ferr), Forgetting: true}, false
}

// call runs one connector's part, a panic in it (a bug meeting odd data)
// becoming that connector's permanent failure: the other connectors go on,
// and the MQL is dead-lettered for a replay once fixed, where the panic
// would have failed the push function's whole batch (the Lambda runtime
// exits after a handler's panic) on every receive of it, or ended the
// local process.
func (w *Worker) call(ctx context.Context, c Connector, push func(ctx context.Context, c Connector) (string, bool, error)) (ext string, ok bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			w.log().Error("push: connector panicked", "connector", c.Name(), "panic", p, "stack", string(debug.Stack()))
			ext, ok, err = "", true, &Error{Connector: c.Name(), Message: fmt.Sprintf("internal error (panic): %v", p), Permanent: true}
		}
	}()
	return push(ctx, c)
}

// recordFailed is the result of a delivery whose record could not be
// written: done when its person was erased meanwhile (nothing more goes to
// any connector), else to be retried.
func recordFailed(err error) Result {
	if errors.Is(err, errErased) {
		return Result{Done: true}
	}
	return Result{Reason: err.Error()}
}

// recordProgress keeps a connector's steps in its delivery record, written
// at once.
type recordProgress struct {
	w *Worker
	t target
	d *Delivery
}

func (p *recordProgress) Step(key string) string { return p.d.Steps[key] }

func (p *recordProgress) SaveStep(ctx context.Context, key, value string) error {
	if p.d.Steps == nil {
		p.d.Steps = map[string]string{}
	}
	p.d.Steps[key] = value
	rctx, cancel := settling(ctx) // the SFA did the step: kept even past ctx's end
	defer cancel()
	return p.w.record(rctx, p.t, *p.d)
}

// settleTime bounds the writes of what an SFA did after the delivery's
// context ended (the push function keeps lambdafn.Reserve, 5 s, for them).
const settleTime = 5 * time.Second

// settling is a context for writing what an SFA did: ctx's values, not its
// end, within settleTime.
func settling(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), settleTime)
}

// delay is exponential backoff with equal jitter (between half and all of
// the doubled delay), but never sooner than the SFA asked.
func (w *Worker) delay(attempt int, retryAfter time.Duration) time.Duration {
	lo, hi := w.BackoffBounds(attempt)
	d := lo + time.Duration(rand.Int64N(int64(hi-lo)+1))
	if retryAfter > d {
		d = retryAfter
	}
	return d
}

// Backoff is how long to wait before delivering again after the given
// number of failed attempts (0 for the first failure): exponential backoff
// with jitter, never sooner than the SFA's Retry-After. The push function
// on SQS uses it for the message's visibility timeout.
func (w *Worker) Backoff(attempt int, retryAfter time.Duration) time.Duration {
	return w.delay(max(attempt, 0), retryAfter)
}

// BackoffBounds is the range the jittered delay after attempt lies in:
// BaseDelay doubled per attempt, capped at MaxDelay, of which at least half.
// The template's redrive policy is sized from it (infra/deploy tests).
func (w *Worker) BackoffBounds(attempt int) (lo, hi time.Duration) {
	base, cap := w.BaseDelay, w.MaxDelay
	if base == 0 {
		base = 2 * time.Second
	}
	if cap == 0 {
		cap = 15 * time.Minute
	}
	d := base << min(max(attempt, 0), 20)
	if d > cap || d <= 0 {
		d = cap
	}
	return d / 2, d
}

func deliverySK(mqlID, connector string) string { return "DLV#" + mqlID + "#" + connector }

// state reads a connector's delivery record of an MQL (pending when none).
func (w *Worker) state(ctx context.Context, t target, connector string) (Delivery, error) {
	d, _, err := w.stateAt(ctx, t, connector)
	return d, err
}

// stateAt is state with the record's version (0: none).
func (w *Worker) stateAt(ctx context.Context, t target, connector string) (Delivery, int64, error) {
	it, err := w.T.Get(ctx, t.pk, deliverySK(t.id, connector))
	if errors.Is(err, table.ErrNotFound) {
		return Delivery{MQLID: t.id, Connector: connector, Status: StatusPending}, 0, nil
	}
	if err != nil {
		return Delivery{}, 0, err
	}
	d, err := decodeDelivery(it.Data)
	return d, it.Version, err
}

func (w *Worker) claim() time.Duration {
	if w.Claim > 0 {
		return w.Claim
	}
	return 2 * time.Minute
}

func decodeDelivery(data []byte) (Delivery, error) {
	var d Delivery
	if err := json.Unmarshal(data, &d); err != nil {
		return d, err
	}
	if d.Status == "" {
		d.Status = StatusDelivered // recorded before statuses: only deliveries were
	}
	return d, nil
}

func (w *Worker) record(ctx context.Context, t target, d Delivery) error {
	return w.recordIf(ctx, t, d, table.Always)
}

// recordIf writes a delivery record under cond (a claim: on the version
// read), and extra in the same transaction.
func (w *Worker) recordIf(ctx context.Context, t target, d Delivery, cond table.Cond, extra ...table.Write) error {
	data, _ := json.Marshal(d)
	ws := append([]table.Write{table.Put(table.Item{PK: t.pk, SK: deliverySK(t.id, d.Connector), Kind: KindDelivery, Data: data}, cond)}, extra...)
	if d.Status == StatusDelivered && d.ExternalID != "" && t.person != "" {
		// The SFA's id for the person, so its webhooks can name them.
		ref, _ := json.Marshal(map[string]string{"person": t.person})
		ws = append(ws, table.Put(table.Item{PK: ExternalPK(d.Connector, d.ExternalID), SK: "EXT", Kind: KindExternal, Data: ref}, table.Always))
	}
	if t.email != "" {
		ws = append(ws, privacy.NotErased(t.email)) // nothing of them written back after an erasure
	}
	err := w.T.Transact(ctx, ws)
	if t.email != "" && errors.Is(err, table.ErrConditionFailed) {
		if _, claim := cond.Version(); claim {
			// The claim's guard or the tombstone's: which one failed?
			if gone, gerr := privacy.Erased(ctx, w.T, t.email); gerr != nil {
				return gerr
			} else if !gone {
				return err // another worker's claim
			}
		}
		return errErased
	}
	return err
}

// PersonOfMQL is the person an MQL id belongs to (ids are <person>-c<cycle>).
func PersonOfMQL(mqlID string) string {
	if i := strings.LastIndex(mqlID, "-c"); i > 0 {
		return mqlID[:i]
	}
	return ""
}

// deliveredToAll reports whether every configured connector has the MQL
// (false when that cannot be read: the caller decides as if not).
func (w *Worker) deliveredToAll(ctx context.Context, mql qualify.MQL) bool {
	t := target{pk: identity.PersonPK(mql.Person), id: mql.ID, person: mql.Person}
	for _, c := range w.Connectors {
		if d, err := w.state(ctx, t, c.Name()); err != nil || d.Status != StatusDelivered {
			return false
		}
	}
	return len(w.Connectors) > 0
}

// Status lists an MQL's delivery to each configured connector: pending
// until one tried, then delivered, retrying or dead; not_sent for one
// connected after the MQL's message was over (StatusNotSent), relay_lost for one
// configured before it that never had it (StatusLost), either withheld when
// the person withdrew consent (StatusWithheld). Then the records of
// connectors no longer configured: delivered as they are, any other
// connector_removed (StatusRemoved, Was its record's status). Its person
// unknown (or erased): identity.ErrNotFound.
func (w *Worker) Status(ctx context.Context, mqlID string) ([]Delivery, error) {
	person := PersonOfMQL(mqlID)
	if person == "" {
		return nil, identity.ErrNotFound
	}
	p, err := w.Dir.Get(ctx, person)
	if err != nil {
		return nil, err
	}
	m := target{pk: identity.PersonPK(person), id: mqlID, person: person}
	out := []Delivery{}
	seen := map[string]bool{}
	after := -1          // connectedAfter, read once: -1 unread, 0 no, 1 yes
	var raised time.Time // the MQL's, read once when needed
	for _, c := range w.Connectors {
		d, ver, err := w.stateAt(ctx, m, c.Name())
		if err != nil {
			return nil, err
		}
		if ver == 0 {
			if after < 0 {
				after = 0
				if yes, err := w.connectedAfter(ctx, m); err != nil {
					return nil, err
				} else if yes {
					after = 1
				}
			}
			if after == 1 {
				// Configured before the MQL was raised, it should have
				// had it: the MQL's relay was lost (the sweep queues it
				// again), not a connector connected after it.
				d.Status = StatusNotSent
				if raised.IsZero() {
					sm, err := w.storedMQL(ctx, person, mqlID)
					if err != nil {
						return nil, err
					}
					raised = sm.Raised()
				}
				if !raised.IsZero() {
					if lost, err := w.predates(ctx, c.Name(), raised); err != nil {
						return nil, err
					} else if lost {
						d.Status = StatusLost
					}
				}
			}
			if !p.ConsentWithdrawn.IsZero() && d.Status != StatusPending {
				d.Status = StatusWithheld // not sent, nor to be: they withdrew consent
			}
		}
		seen[c.Name()] = true
		out = append(out, d)
	}
	// Connectors no longer configured that did handle it.
	items, err := w.T.Query(ctx, table.Query{PK: identity.PersonPK(person), Prefix: "DLV#" + mqlID + "#"})
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		d, err := decodeDelivery(it.Data)
		if err != nil {
			return nil, err
		}
		if !seen[d.Connector] {
			if d.Status != StatusDelivered {
				// Nothing delivers to a connector not configured: its
				// retrying (or pending, or dead) record would say so
				// forever. Its last error is kept.
				d.Was, d.Status, d.NextAttempt, d.Claimed = d.Status, StatusRemoved, time.Time{}, time.Time{}
			}
			out = append(out, d)
		}
	}
	return out, nil
}

// FirstDelivery is when a connector first took the MQL (the earliest of
// its delivered records: each keeps the time it was delivered, as nothing
// changes a delivered record), ok false while none has (pending, retrying,
// or dead-lettered everywhere): the lead has not reached sales. Records of
// connectors no longer configured count: sales got it from them.
func FirstDelivery(ctx context.Context, t table.Table, mqlID string) (at time.Time, ok bool, err error) {
	person := PersonOfMQL(mqlID)
	if person == "" {
		return time.Time{}, false, nil
	}
	items, err := t.Query(ctx, table.Query{PK: identity.PersonPK(person), Prefix: "DLV#" + mqlID + "#"})
	if err != nil {
		return time.Time{}, false, err
	}
	for _, it := range items {
		d, err := decodeDelivery(it.Data)
		if err != nil {
			return time.Time{}, false, err
		}
		if d.Status == StatusDelivered && (!ok || d.At.Before(at)) {
			at, ok = d.At, true
		}
	}
	return at, ok, nil
}

// KintoneStatusStep is the delivery step (Progress) in which the kintone
// connector keeps the status field's value its write of the MQL leaves.
const KintoneStatusStep = "kintone-status"

// LatestStep is what connector kept under key (Progress) for the person's
// latest MQL that has it, and that MQL's id; ok false: none has.
func LatestStep(ctx context.Context, t table.Table, person, connector, key string) (mqlID, value string, ok bool, err error) {
	ds, err := Deliveries(ctx, t, person)
	if err != nil {
		return "", "", false, err
	}
	best := -1
	for _, d := range ds {
		v, has := d.Steps[key]
		if d.Connector != connector || !has {
			continue
		}
		c, _ := strconv.Atoi(d.MQLID[strings.LastIndex(d.MQLID, "-c")+2:])
		if c > best {
			best, mqlID, value, ok = c, d.MQLID, v, true
		}
	}
	return mqlID, value, ok, nil
}

// ExternalPK is where an SFA's record id points back to the person.
func ExternalPK(connector, id string) string { return "EXT#" + connector + "#" + id }

// PersonByExternalID resolves an SFA record id to the person it was pushed for.
func PersonByExternalID(ctx context.Context, t table.Table, connector, id string) (string, error) {
	it, err := t.Get(ctx, ExternalPK(connector, id), "EXT")
	if err != nil {
		return "", err
	}
	var ref struct {
		Person string `json:"person"`
	}
	err = json.Unmarshal(it.Data, &ref)
	return ref.Person, err
}

// Deliveries lists a person's delivery records, whatever their status.
func Deliveries(ctx context.Context, t table.Table, person string) ([]Delivery, error) {
	items, err := t.Query(ctx, table.Query{PK: identity.PersonPK(person), Prefix: "DLV#"})
	if err != nil {
		return nil, err
	}
	out := []Delivery{}
	for _, it := range items {
		d, err := decodeDelivery(it.Data)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// Raised is when the lead reached sales (RaisedAt, else QualifiedAt).
func (l Lead) Raised() time.Time {
	if l.RaisedAt.IsZero() {
		return l.QualifiedAt
	}
	return l.RaisedAt
}

// Build assembles the lead for an MQL from the person and their timeline.
func (w *Worker) Build(ctx context.Context, m qualify.MQL) (Lead, error) {
	p, err := w.Dir.Get(ctx, m.Person)
	if err != nil {
		return Lead{}, err
	}
	tl, err := w.Stitcher.Timeline(ctx, m.Person, 500)
	if err != nil {
		return Lead{}, err
	}
	loc := w.Loc
	if loc == nil {
		loc = time.UTC
	}
	l := Lead{
		MQLID: m.ID, PersonID: p.ID, Email: p.Email, Attributes: p.Attributes,
		BehaviourScore: m.Verdict.Behaviour, FitScore: m.Verdict.Fit, Grade: m.Verdict.Grade,
		Condition: m.Condition, Reasons: m.Facts, QualifiedAt: m.At.In(loc), RaisedAt: m.Raised().In(loc), Activity: []Activity{}, Cycle: m.Cycle, Lang: w.Lang, Sites: w.Sites,
		Label: w.Rules.ConditionLabel(m.Condition, w.Lang), Bands: w.Rules.BandLabels(w.Lang),
	}
	if m.Cycle > 1 && w.History != nil {
		hist, err := w.History(ctx, m.Person)
		if err != nil {
			return Lead{}, err
		}
		l.Recycled = recycledBefore(hist, m.At, loc)
	}
	if l.Attributes == nil {
		l.Attributes = map[string]string{}
	}
	for _, ev := range tl { // newest first
		if ev.Flagged() || ev.Type == event.Identify {
			continue
		}
		after := ev.Timestamp.After(m.At)
		if after && len(l.AfterMQL) < maxAfterMQL || !after && len(l.Activity) < 50 {
			name := ev.Name
			if ev.Type == event.Offline { // the exhibition or seminar, where sales meets them
				name, _ = ev.Properties["event"].(string)
			}
			a := Activity{Type: ev.Type, Name: name, URL: ev.URL, Title: ev.Title, Campaign: ev.UTM.Campaign, At: ev.Timestamp.In(loc)}
			if c, ok := ev.Properties["campaign"].(string); ok && c != "" {
				a.Campaign = c // the click's campaign: its link may add no utm_campaign
			}
			a.Minutes, _ = ev.Minutes() // how long they stayed in the webinar: sales' opening
			if after {
				l.AfterMQL = append(l.AfterMQL, a)
			} else {
				l.Activity = append(l.Activity, a)
			}
		}
		if w.Touches == nil && !after { // the touches up to the MQL, as qualify's are
			if qt, ok := w.Referrals.TouchOf(ev); ok {
				if l.LastTouch.At.IsZero() {
					l.LastTouch = fromTouch(qt, ev.URL, ev.Referrer)
				}
				l.FirstTouch = fromTouch(qt, ev.URL, ev.Referrer)
			}
		}
	}
	if w.Touches != nil {
		ts, err := w.Touches(ctx, m.Person)
		if err != nil {
			return Lead{}, err
		}
		var before []qualify.Touch // touches up to the qualification
		for _, t := range ts {
			if !t.At.After(m.At) {
				before = append(before, t)
			}
		}
		if len(before) > 0 {
			l.FirstTouch = fromTouch(before[0], "", "")
			l.LastTouch = fromTouch(before[len(before)-1], "", "")
		}
	}
	// The touches in the zone of the lead's other times (qualify keeps
	// them in UTC): a receiver read firstTouch.at in Z beside activity in
	// +09:00.
	l.FirstTouch.At, l.LastTouch.At = InZone(l.FirstTouch.At, loc), InZone(l.LastTouch.At, loc)
	l.Campaigns = w.campaignNames(ctx, l)
	l.forms = formIDs(tl)
	if w.PublicURL != nil {
		l.PersonURL = PersonURL(w.PublicURL(), p.ID)
	}
	l.formsOf(tl, m.At, w.Stitcher.FieldNames, loc)
	return l, nil
}

// InZone is t in loc; the zero time stays zero (in UTC), as "not known"
// (in a zone with a historical offset it read 0001-01-01T09:18:59+09:18).
func InZone(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() || loc == nil {
		return t
	}
	return t.In(loc)
}

// campaignNames names the campaigns l's activity and touches came with
// (nil when none is known). A failed read leaves them as they came, with
// a warning: the lead reaches sales all the same.
func (w *Worker) campaignNames(ctx context.Context, l Lead) map[string]string {
	if w.CampaignNames == nil {
		return nil
	}
	seen := map[string]bool{}
	var ids []string
	for _, c := range append([]string{l.FirstTouch.Campaign, l.LastTouch.Campaign}, activityCampaigns(l.Activity)...) {
		if c != "" && !seen[c] {
			seen[c] = true
			ids = append(ids, c)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	names, err := w.CampaignNames(ctx, ids)
	if err != nil {
		w.log().Warn("push: campaign names not read; the summary gives their ids", "mql", l.MQLID, "err", err)
		return nil
	}
	return names
}

// activityCampaigns are the campaigns of the activity Summary writes.
func activityCampaigns(as []Activity) []string {
	out := make([]string, 0, min(len(as), summaryLines))
	for i, a := range as {
		if i == summaryLines {
			break
		}
		out = append(out, a.Campaign)
	}
	return out
}

// fromTouch is a scoring touch as the hand-off shows it.
func fromTouch(t qualify.Touch, url, referrer string) Touch {
	out := Touch{Channel: t.Channel, Source: t.Source, Medium: t.Medium, Campaign: t.Campaign, At: t.At, URL: url}
	if t.Channel == "referral" || t.Channel == "search" || t.Channel == "social" {
		out.Referrer = referrer
	}
	return out
}

// recycledBefore is the last recycle before at: the verdict (rejected,
// lost) that sent the lead back, when and why sales gave it.
func recycledBefore(hist []qualify.StageChange, at time.Time, loc *time.Location) *Recycled {
	var r *Recycled
	for i, h := range hist {
		if h.To != qualify.StageRecycled || h.At.After(at) {
			continue
		}
		r = &Recycled{Outcome: h.From, At: h.At.In(loc)}
		// The verdict itself is the entry before (mql -> rejected), with
		// sales' reason.
		if i > 0 && hist[i-1].To == h.From {
			r.At, r.Why = hist[i-1].At.In(loc), hist[i-1].Why
		}
	}
	return r
}
