package admin

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/click"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
)

// peopleView is the people search page.
type peopleView struct {
	Field           string // the filter the error is about (Invalid)
	Error           string // the page is only this message
	Bad             string // a filter the search cannot use: shown above the form, no results
	SignIn          string // the error page offers to sign in (again), saying why in these words ("": it does not)
	Once            []link // the error page's way on: the page with a repeated parameter given once, a link per value
	Q, Stage, Grade string
	Stages, Grades  []string
	Rows            []personRow
	Searched        bool
	Examined        int    // people looked at for this page
	Next, First     string // the next page's query ("": none); the first page's, from a later page
	NoIndex         bool   // without scoring there is no index to search: an exact email only
	ByName          bool   // a search of the scored people by a text that is no whole email: the page says who it cannot find
	More            bool   // a report count's people beyond the ones shown
	Reached, Group  string // from a dashboard count: the people behind it
	ByChannel       bool   // the group is a channel
	GroupLabel      string // the group of no value's phrase, by the grouping ("(no campaign)"; noValueLabel)
	CampaignName    string // the group's campaign's name, grouped by campaign ("": none known, the id says it)
	// The count's report filters (from, to, channel, by, period): the
	// search form carries them, so a search among the count's people
	// stays among them, and the note says them.
	ReportFilter []param
	Channel      string
	From, To     string
}

func (v peopleView) badField() string { return v.Field }

// param is a query parameter a form carries in a hidden input.
type param struct{ Name, Value string }

type personRow struct {
	ID, Name, Email, Company, Title, Stage, Grade string
	Behaviour                                     float64
	Updated                                       time.Time
}

// People search lists the scored people best score first, in the order
// of the ranking the sweep keeps (qualify.RankedPage: a chunk of it and
// the examined people's score records, never everyone's), and reads the
// person records in that order: a page looks at most peopleExamine people
// (a rare match leaves a page short, with a link to go on) and never
// reads events or ledgers. An exact email is one lookup.
const (
	peopleRows    = 50
	peopleExamine = 200
	behindRows    = 200
)

// peopleSearch finds people by email, name or company (substring, any
// case) and by stage and grade.
func (h *Handler) peopleSearch(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	v := peopleView{Q: strings.TrimSpace(q.Get("q")), Stage: q.Get("stage"), Grade: q.Get("grade"), Stages: allStages(), Searched: true}
	bad := h.peopleQuery(q)
	if bad == nil {
		v.Grades = h.gradeChoices(v.Grade) // a choice stays choosable
	} else {
		v.Grades = h.gradeChoices()
	}
	v.Reached, v.Group = q.Get("reached"), q.Get("group")
	if v.Reached != "" {
		for _, k := range []string{"from", "to", "channel", "by", "period"} {
			if x := q.Get(k); x != "" {
				v.ReportFilter = append(v.ReportFilter, param{k, x})
			}
		}
		v.Channel, v.From, v.To = q.Get("channel"), q.Get("from"), q.Get("to")
	}
	if bad != nil {
		v.Bad, v.Field = bad.Msg, bad.Field
		h.render(w, r, http.StatusBadRequest, "people", "People", "", "people", v)
		return
	}
	found := searchMatch(v.Q)
	keep := func(row personRow) bool {
		return found(row.Email, row.Name, row.Company) &&
			(v.Stage == "" || row.Stage == v.Stage) && (v.Grade == "" || row.Grade == v.Grade)
	}
	if v.Reached != "" {
		// The people behind a report count: the report's own read.
		f, _, err := h.Reports.parseFilter(r)
		if err != nil {
			v.Bad = err.Error()
			h.render(w, r, http.StatusBadRequest, "people", "People", "", "people", v)
			return
		}
		if v.Group == "" {
			v.Group = "(all)"
		}
		v.ByChannel = f.By == "" || f.By == "channel"
		switch {
		case v.Group == noValue: // named by the grouping, as the dashboard's row is
			v.GroupLabel = noValueLabel(f.By)
		case f.By == "campaign":
			// The campaign by its name, as the dashboard's row says it
			// (12月ニュースレター, not dec-news).
			names, err := h.campaignNamesOf(ctx, map[string]bool{v.Group: true})
			if err != nil {
				h.fail(w, r, err)
				return
			}
			v.CampaignName = names[v.Group]
		}
		all, err := qualify.AllFacts(ctx, h.Workspace.T)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, f := range reports.Behind(all, f, v.Group, v.Reached) {
			if len(v.Rows) == behindRows {
				v.More = true
				break
			}
			row, ok, err := h.personRow(ctx, f.ID, &f.Rec)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			if ok && keep(row) {
				v.Rows = append(v.Rows, row)
			}
		}
		h.render(w, r, http.StatusOK, "people", "People", "", "people", v)
		return
	}
	if email, err := event.NormalizeEmail(v.Q); err == nil && strings.Contains(email, "@") {
		// An exact email: one lookup, scored or not.
		p, err := h.People.ByEmail(ctx, email)
		if err == nil {
			row, ok, err := h.personRow(ctx, p.ID, nil)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			if ok && keep(row) {
				v.Rows = append(v.Rows, row)
			}
			h.render(w, r, http.StatusOK, "people", "People", "", "people", v)
			return
		} else if !errors.Is(err, identity.ErrNotFound) {
			h.fail(w, r, err)
			return
		}
	}
	if h.Workspace == nil || h.Scores == nil {
		v.NoIndex = true
		h.render(w, r, http.StatusOK, "people", "People", "", "people", v)
		return
	}
	v.ByName = v.Q != ""
	// The list in score order (the ranking the sweep keeps), stage and
	// grade read from each examined person's score record; a search reads
	// the people in that order, a page's rows at a time, peopleExamine a
	// page at most.
	keepRec := func(rec qualify.Record) bool {
		stage := rec.Stage
		if stage == "" {
			stage = qualify.StageLead
		}
		return (v.Stage == "" || stage == v.Stage) && (v.Grade == "" || rec.Verdict.Grade == v.Grade)
	}
	cursor := q.Get("after")
	for v.Examined < peopleExamine && len(v.Rows) < peopleRows {
		n := min(peopleRows, peopleExamine-v.Examined)
		ranked, next, err := qualify.RankedPage(ctx, h.Workspace.T, cursor, n, keepRec)
		if err != nil {
			h.fail(w, r, err) // the cursor is checked: the store
			return
		}
		v.Examined += n
		cursor = next
		for i := range ranked {
			if len(v.Rows) == peopleRows {
				cursor = qualify.ScoreCursor(ranked[i-1])
				break
			}
			row, ok, err := h.personRow(ctx, ranked[i].ID, &ranked[i].Rec)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			if ok && keep(row) {
				v.Rows = append(v.Rows, row)
			}
		}
		if cursor == "" {
			break
		}
	}
	v.First, v.Next = pageLinks("people", q, cursor)
	h.render(w, r, http.StatusOK, "people", "People", "", "people", v)
}

// peopleQuery checks the people search's filters: a stage and a grade
// from their lists, reached a funnel stage (and the reports there to
// read it), after a link's cursor. q and group are any text.
func (h *Handler) peopleQuery(q url.Values) *badParam {
	if bad := oneOf(q, "stage", allStages()); bad != nil {
		return bad
	}
	if bad := oneOf(q, "grade", allGrades); bad != nil {
		return bad
	}
	if q.Has("reached") || q.Has("group") {
		if h.Reports == nil || h.Workspace == nil {
			return &badParam{"reached", "reached needs the reports, which are off here"}
		}
		if q.Get("reached") == "" {
			return &badParam{"reached", "reached must be one of " + strings.Join(reports.Stages, ", ")}
		}
		if bad := oneOf(q, "reached", reports.Stages); bad != nil {
			return bad
		}
	}
	if c := q.Get("after"); c != "" && !qualify.ValidScoreCursor(c) {
		return &badParam{"after", "after must be the link to more results of an earlier search"}
	}
	return nil
}

// searchKey is how the people search compares: as stored (NFKC, so a
// full-width ＡＢＣ typed in IME mode is ABC), case aside, and without
// spaces, which Japanese names and company names are written with or
// without ("山田太郎", "株式会社 サンプル工業"), nor invisible characters
// (event.EmailFold): a person stored before emails lost them
// (alice<U+200B>@...) is found by the plain address. Company-type words
// do not count either: business cards and SFA exports write 株式会社アクメ
// as (株)アクメ, ㈱アクメ or アクメ株式会社.
func searchKey(s string) string {
	return account.WithoutLegalForms(foldKey(s))
}

// foldKey is searchKey keeping the company-type words. Name variants
// (itaiji) count as their common form: a list or business card writes
// 髙橋 﨑子 where the searcher types 高橋 or 崎子, and NFKC leaves them.
func foldKey(s string) string {
	return nameVariants.Replace(strings.Join(strings.Fields(event.EmailFold(s)), ""))
}

// nameVariants are the variant kanji of Japanese family and given names
// that registers and business cards keep and keyboards rarely type, as
// their common form (the pairs name searches in Japanese CRMs treat as one).
var nameVariants = strings.NewReplacer(
	"髙", "高", "﨑", "崎", "嵜", "崎", "碕", "崎", "𠮷", "吉", "邉", "辺", "邊", "辺",
	"濵", "浜", "濱", "浜", "澤", "沢", "齋", "斉", "齊", "斉", "斎", "斉", "德", "徳",
	"櫻", "桜", "廣", "広", "國", "国", "眞", "真", "冨", "富", "嶋", "島", "槗", "橋",
	"惠", "恵", "瀨", "瀬")

// formKey is foldKey with the company-type words' short forms written
// out ((株), ㈱ and （株） are 株式会社 once folded), so that a query that is
// such a word alone finds every way of writing it.
func formKey(s string) string { return shortForms.Replace(foldKey(s)) }

// shortForms writes out the short legal forms (as NFKC folds them) the
// names of companies are written with.
var shortForms = strings.NewReplacer(
	"(株)", "株式会社", "(有)", "有限会社", "(同)", "合同会社", "(資)", "合資会社", "(名)", "合名会社",
	"(一社)", "一般社団法人", "(一財)", "一般財団法人", "(公社)", "公益社団法人", "(公財)", "公益財団法人",
	"(社)", "社団法人", "(財)", "財団法人", "(特非)", "特定非営利活動法人", "(医)", "医療法人",
	"(福)", "社会福祉法人", "(学)", "学校法人", "(独)", "独立行政法人", "㍿", "株式会社")

// searchMatch is the people search's test of a query against a person's
// texts (email, name, company): by searchKey, so that the company-type
// word does not count; but a query that is such a word alone (株式会社,
// (株)) is looked for in any of its spellings (formKey), or, left empty
// once the word was taken out, it matched everyone.
func searchMatch(q string) func(texts ...string) bool {
	key := searchKey
	needle := key(q)
	if needle == "" {
		key = formKey
		needle = key(q)
	}
	return func(texts ...string) bool {
		if needle == "" {
			return true
		}
		for _, t := range texts {
			if strings.Contains(key(t), needle) {
				return true
			}
		}
		return false
	}
}

// personRow reads a person's row by key: the person record and (unless
// given) the score record. ok is false for a person gone (erased).
func (h *Handler) personRow(ctx context.Context, id string, rec *qualify.Record) (personRow, bool, error) {
	p, err := h.People.Get(ctx, id)
	if errors.Is(err, identity.ErrNotFound) {
		return personRow{}, false, nil
	}
	if err != nil {
		return personRow{}, false, err
	}
	row := personRow{ID: p.ID, Name: displayName(p.Attributes, ""), Email: p.Email, Company: p.Attributes["company"], Title: p.Attributes["title"], Stage: qualify.StageLead, Updated: p.UpdatedAt}
	if rec == nil && h.Scores != nil {
		r, err := h.Scores.Record(ctx, id)
		if err != nil && !errors.Is(err, identity.ErrNotFound) {
			return personRow{}, false, err
		}
		rec = &r
	}
	if rec != nil {
		row.Stage = shownStage(p, *rec)
		row.Grade, row.Behaviour = rec.Verdict.Grade, rec.Verdict.Behaviour
	}
	return row, true, nil
}

// personPageView is a person's page: who, why (MQLs), the score in words,
// stage history, browsers and the timeline a page at a time.
type personPageView struct {
	P            identity.Person
	Name         string
	Note         string // what a form sent back here did
	NotApplied   bool   // the note says a verdict changed nothing: not in success's colour
	Attrs        [][2]string
	Scored       bool
	Ex           Explanation
	Stage        string // the stage shown: Ex.Stage, or what a person never scored is (shownStage)
	Ledger       []ledgerLine
	MQLs         []mqlCard
	Visitors     []VisitorView
	Timeline     []event.Event
	Page, PageNo int
	Prev, Next   string
	HalfLife     time.Duration
	Campaigns    map[string]string // campaign id -> its name, for the source and the timeline's chips
	Disclosure   string            // the link to everything kept of them, for a caller who may download it (and record their consent's withdrawal)
	Awaiting     int               // newsletter clicks stored and awaiting judgement (click.Awaiting): on no timeline yet
}

// Campaign names a campaign the person's source or an event names by id.
func (v personPageView) Campaign(id any) string {
	s := fmt.Sprint(id)
	if n := v.Campaigns[s]; n != "" {
		return n
	}
	return s
}

// TouchCampaign names the campaign an event came with (campaignOf), ""
// for none: the chip beside a click or landing whose address no longer
// shows its utm_campaign.
func (v personPageView) TouchCampaign(ev event.Event) string {
	if c := campaignOf(ev); c != "" {
		return v.Campaign(c)
	}
	return ""
}

// LinkText is the text of the link a download or outbound click was on
// ("製品カタログ（PDF）"), "" for another event or a link without text:
// the timeline named a download by its address alone, which marketers
// do not know their documents by.
func (v personPageView) LinkText(ev event.Event) string {
	if ev.Type != event.Download && ev.Type != event.Outbound {
		return ""
	}
	t, _ := ev.Properties["text"].(string)
	return strings.TrimSpace(t)
}

// ledgerLine is one behaviour contribution in words: "+15 pricing-page
// (/pricing), 2 days ago, decayed to 12".
type ledgerLine struct {
	Delta, Now float64
	Rule, Kind string
	What       string // the event's page
	Type       string // the event's type, when it has no page: said in the page's language
	At         time.Time
	Decayed    bool
}

type mqlCard struct {
	M          qualify.MQL
	Deliveries []push.Delivery
	Behind     []event.Event // the scored events behind it, newest first
}

// behindLimit is how many of the newest events are searched for an MQL's.
const behindLimit = 200

const timelinePage = 25

func (h *Handler) personPage(w http.ResponseWriter, r *http.Request, p identity.Person) {
	ctx := r.Context()
	v := personPageView{P: p, Name: displayName(p.Attributes, visibleEmail(p.Email))}
	if c, ok := callerOf(r); ok && c.Cred.Scopes[ScopeErase] {
		if _, ok := h.Eraser.(discloser); ok {
			v.Disclosure = url.PathEscape(p.ID) + "/disclosure/parts"
		}
	}
	var bad *badParam
	if v.Page, bad = whole(r.URL.Query(), "page", 0, 0, 1000); bad != nil { // the timeline's page: not the first one instead
		h.pageError(w, r, http.StatusBadRequest, "../", bad.Msg)
		return
	}
	switch r.URL.Query().Get("m") { // the inbox's verdict form, or this page's consent form, came back here
	case "outcome":
		v.Note = "Sales' verdict recorded."
	case "consent-withdrawn":
		v.Note = "Recorded: Baton no longer uses their data."
	case "consent-regained":
		v.Note = "Recorded: Baton uses their data again."
	case "not-applied":
		v.Note, v.NotApplied = notApplied(page{L: h.lang(w, r)}, r.URL.Query()), true
	}
	for _, k := range cardOrder(p.Attributes) {
		v.Attrs = append(v.Attrs, [2]string{k, p.Attributes[k]})
	}
	for _, k := range sortedKeys(p.Custom) {
		v.Attrs = append(v.Attrs, [2]string{k, p.Custom[k]})
	}
	now := h.wsNow()
	if h.Scores != nil {
		v.Scored = true
		rec, err := h.Scores.Record(ctx, p.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Stage = shownStage(p, rec)
		if h.Workspace != nil && h.Workspace.T != nil {
			if v.Awaiting, err = click.Awaiting(ctx, h.Workspace.T, p.ID); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		vn, err := h.verdictNow(rec, p, now)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Ex = Explanation{Stage: rec.Stage, Scored: !rec.Unscored, Behaviour: vn.Behaviour, Fit: vn.Fit, Grade: vn.Grade, Band: vn.Band,
			Excluded: vn.Excluded, Waiting: vn.Waiting, Rules: rec.Rules, FitRules: vn.FitRules}
		if v.Ex.Contributions, err = h.Scores.Ledger(ctx, p.ID); err != nil {
			h.fail(w, r, err)
			return
		}
		if v.Ex.History, err = h.namedHistory(ctx, p.ID); err != nil {
			h.fail(w, r, err)
			return
		}
		ms, err := h.Scores.MQLs(ctx, p.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for i := len(ms) - 1; i >= 0; i-- { // newest first
			c := mqlCard{M: ms[i]}
			if h.Deliveries != nil && h.Deliveries.Status != nil {
				if c.Deliveries, err = h.Deliveries.Status(ctx, ms[i].ID); err != nil && !errors.Is(err, identity.ErrNotFound) {
					h.fail(w, r, err)
					return
				}
			}
			v.MQLs = append(v.MQLs, c)
		}
		var half time.Duration
		if h.Lab != nil {
			half = h.Lab.Rules.HalfLife
			v.HalfLife = half
		}
		for i := len(v.Ex.Contributions) - 1; i >= 0 && len(v.Ledger) < 100; i-- {
			c := v.Ex.Contributions[i]
			l := ledgerLine{Delta: c.Delta, Now: c.Delta, Rule: c.Rule, Kind: c.Kind, At: c.At, Type: c.EventType}
			if c.URL != "" {
				l.What, l.Type = pathOf(c.URL), ""
			}
			if half > 0 && c.Kind == "behaviour" && now.After(c.At) {
				l.Now = math.Round(c.Delta*math.Pow(0.5, float64(now.Sub(c.At))/float64(half))*10) / 10
				l.Decayed = l.Now != l.Delta
			}
			v.Ledger = append(v.Ledger, l)
		}
		for i, j := 0, len(v.Ex.History)-1; i < j; i, j = i+1, j-1 {
			v.Ex.History[i], v.Ex.History[j] = v.Ex.History[j], v.Ex.History[i]
		}
	}
	vs, err := h.People.Visitors(ctx, p.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, id := range vs {
		l, err := h.People.GetLink(ctx, id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		vv := VisitorView{ID: id}
		for _, s := range l.History {
			if s.Person == p.ID {
				vv.Spans = append(vv.Spans, s)
			}
		}
		v.Visitors = append(v.Visitors, vv)
	}
	v.PageNo = v.Page + 1
	// One read serves the page of the timeline and the events behind the
	// MQLs (the most recent ones: what sales needs to see first).
	evs, err := h.Timelines.Timeline(ctx, p.ID, max((v.Page+1)*timelinePage+1, behindLimit))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	byID := map[string]event.Event{}
	for _, ev := range evs {
		byID[ev.ID] = ev
	}
	for i := range v.MQLs {
		for _, id := range v.MQLs[i].M.Events {
			if ev, ok := byID[id]; ok && len(v.MQLs[i].Behind) < 10 {
				v.MQLs[i].Behind = append(v.MQLs[i].Behind, ev)
			}
		}
	}
	if from := v.Page * timelinePage; from < len(evs) {
		evs = evs[from:]
		if len(evs) > timelinePage {
			evs = evs[:timelinePage]
			v.Next = "?page=" + strconv.Itoa(v.Page+1) + "#timeline"
		}
		v.Timeline = evs
	}
	if v.Page > 0 {
		v.Prev = "?page=" + strconv.Itoa(v.Page-1) + "#timeline"
	}
	// The chips' names are a reading aid, as in the inbox: a failed read
	// leaves them as they came rather than the person's page a 500.
	if names, err := h.campaignNames(ctx, p, v); err != nil {
		h.log().Warn("person: campaign names not read; the chips give their ids", "err", err)
	} else {
		v.Campaigns = names
	}
	h.render(w, r, http.StatusOK, "person", v.Name, "../", "people", v)
}

// campaignNames reads the names of the campaigns the person's page names
// by id (an imported list's source, the newsletter events shown), each by
// key: a marketer knows a campaign by its name.
func (h *Handler) campaignNames(ctx context.Context, p identity.Person, v personPageView) (map[string]string, error) {
	ids := map[string]bool{}
	if c, ok := strings.CutPrefix(p.Source, "list:"); ok {
		ids[c] = true
	}
	for _, evs := range append([][]event.Event{v.Timeline}, behind(v.MQLs)...) {
		for _, ev := range evs {
			if c := campaignOf(ev); c != "" {
				ids[c] = true
			}
		}
	}
	return h.campaignNamesOf(ctx, ids)
}

// campaignNamesOf reads the names of the campaigns with these ids
// (links.NamesOf: by key, else by a utm_campaign one campaign alone sets;
// at most 100 read, past it ids stay ids).
func (h *Handler) campaignNamesOf(ctx context.Context, ids map[string]bool) (map[string]string, error) {
	if h.Links == nil {
		return map[string]string{}, nil
	}
	var list func(context.Context) ([]links.Campaign, error)
	if l, ok := h.lister(); ok {
		list = l.Campaigns
	}
	return links.NamesOf(ctx, h.Links.Campaign, list, slices.Sorted(maps.Keys(ids)))
}

func behind(ms []mqlCard) [][]event.Event {
	out := make([][]event.Event, len(ms))
	for i, m := range ms {
		out[i] = m.Behind
	}
	return out
}

// Source says how a person came to be known, in the page's language: an
// imported list with its campaign's name, an offline import with its
// channel.
func (p page) Source(src string, campaigns map[string]string) string {
	if c, ok := strings.CutPrefix(src, "list:"); ok {
		if n := campaigns[c]; n != "" {
			c = n
		}
		return p.T("via:list") + p.T(" (") + c + p.T(")")
	}
	if ch, ok := strings.CutPrefix(src, "offline:"); ok {
		return p.T("via:offline") + p.T(" (") + p.Channel(ch) + p.T(")")
	}
	return p.T("via:" + src)
}

// Shown in place of a stage for a person never scored: nothing of theirs
// was scored, so no stage change was written and the funnel, which counts
// stage changes, does not count them as a lead. A recipient list makes
// such people (a recipient who never clicked): they are its recipients.
const (
	stageRecipient = "recipient"
	stageUnscored  = "unscored"
)

// shownStage is the stage the workspace shows for a person: their score
// record's, or for one never scored what they are (recipient, unscored)
// rather than the lead the record defaults to, which the funnel's lead
// count contradicted.
func shownStage(p identity.Person, rec qualify.Record) string {
	switch {
	case qualify.NotALeadYet(p, rec):
		return stageRecipient
	case rec.Unscored:
		return stageUnscored
	case rec.Stage == "":
		return qualify.StageLead
	}
	return rec.Stage
}

// personPath is a person's page relative to /admin/.
func personPath(id string) string { return "people/" + url.PathEscape(id) }

// browsePerson answers a browser at /admin/people: the search page, or
// the page of the person with ?email= (the demo's thanks page links so).
// An email with other filters (stage, grade, a report's), an email no
// person holds or one that is not an email at all goes to the search page
// for it with every other filter kept: the person's own page would drop
// them.
func (h *Handler) browsePerson(w http.ResponseWriter, r *http.Request, raw string) {
	q := r.URL.Query()
	if raw == "" {
		h.peopleSearch(w, r)
		return
	}
	shown, filtered := url.Values{}, false
	for k, vs := range q {
		switch k {
		case "email":
		case "lang", "format": // how the page is shown, not whom it shows
			shown[k] = vs
		default:
			filtered = true
		}
	}
	email, err := event.NormalizeEmail(raw)
	if err == nil && !filtered {
		p, err := h.People.ByEmail(r.Context(), email)
		if err == nil {
			loc := personPath(p.ID)
			if len(shown) > 0 {
				loc += "?" + shown.Encode()
			}
			seeOther(w, loc)
			return
		}
		if !errors.Is(err, identity.ErrNotFound) {
			h.fail(w, r, err)
			return
		}
	}
	if err != nil {
		email = strings.TrimSpace(raw) // searched as typed
	}
	q.Del("email")
	q.Set("q", email) // the email is the search: over a q given with it
	seeOther(w, "people?"+q.Encode())
}

// cardFirst is the order a business card reads in: family name before
// given name, then their readings, the company, department and title, the
// telephones. Sorted by key, 名 (first_name) came before 姓 (last_name)
// and the company after the country.
var cardFirst = []string{"last_name", "first_name", "name", "last_name_kana", "first_name_kana", "name_kana",
	"company", "department", "title", "phone", "mobile"}

// cardOrder is attrs' keys with cardFirst's first, in its order, then the
// rest by key.
func cardOrder(attrs map[string]string) []string {
	out := make([]string, 0, len(attrs))
	for _, k := range cardFirst {
		if _, ok := attrs[k]; ok {
			out = append(out, k)
		}
	}
	for _, k := range sortedKeys(attrs) {
		if !slices.Contains(cardFirst, k) {
			out = append(out, k)
		}
	}
	return out
}
