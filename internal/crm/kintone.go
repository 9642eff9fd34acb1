package crm

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/clock"

	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/textcut"
)

// Kintone upserts a record in an app, keyed by the email field (which must
// be set to "prohibit duplicate values" in the app, as updateKey requires).
type Kintone struct {
	BaseURL    string // https://<subdomain>.cybozu.com
	App        int
	APIToken   string
	EmailField string            // field code of the email (the update key)
	Fields     map[string]string // Baton attribute or lead field -> kintone field code
	// AccountApp is the app MQAs go to, one record per MQA keyed by
	// AccountKeyField (a unique text field holding the MQA id), with
	// AccountFields (account, company, domain, mqa_condition, mqa_summary,
	// score, people, qualified_at, or a company attribute -> field code).
	// 0: MQAs are not sent to kintone. The API token must be valid for both
	// apps (kintone takes several, comma-separated).
	AccountApp      int
	AccountKeyField string
	AccountFields   map[string]string
	// StatusField is the field code sales' verdicts are read from
	// (feedback.kintone_status_field; "" the process-management status,
	// which only its actions move). A lead sales sent back that qualifies
	// again (its second MQL on) has it set to LeadStatus, by default the
	// field's default value in the form, what a new record gets, so that
	// sales see it open again; KeepLeadStatus leaves it as sales set it.
	StatusField    string
	LeadStatus     string
	KeepLeadStatus bool
	// OwnerField is the field code of the rep (feedback.kintone_owner_field,
	// a ユーザー選択): an SLA breach names its first user (RecordOwner).
	// "": the process management's 作業者, when the app has it.
	OwnerField string
	// Loc is the zone a time (qualified_at) is written in to a text, date
	// or time field, the configured timezone (nil: UTC). A DATETIME field
	// takes UTC, which kintone shows in each user's own zone.
	Loc *time.Location
	// Comment posts each MQL's summary as a comment on the lead's record:
	// the record keeps one mql_summary, which the next MQL overwrites; its
	// comments keep every MQL's, and kintone notifies the users the
	// comments mention (CommentMentions, at most 10; organizations and
	// groups are shown, not notified).
	Comment         bool
	CommentMentions []KintoneMention
	Client          *http.Client
	Now             func() time.Time
}

// Name implements push.Connector.
func (k *Kintone) Name() string { return "kintone" }

// Validate names the first missing setting.
func (k *Kintone) Validate() error {
	switch {
	case k.BaseURL == "":
		return errors.New("kintone: base_url is required")
	case k.App <= 0:
		return errors.New("kintone: app must be the app's number")
	case k.APIToken == "":
		return errors.New("kintone: api_token is required")
	case k.EmailField == "":
		return errors.New("kintone: email_field is required")
	case k.AccountApp < 0:
		return errors.New("kintone: account_app must be the MQA app's number")
	case k.AccountApp > 0 && k.AccountKeyField == "":
		return errors.New("kintone: account_key_field is required with account_app")
	case len(k.CommentMentions) > 10:
		return fmt.Errorf("kintone: comment_mentions names %d; kintone takes at most 10", len(k.CommentMentions))
	}
	for i, m := range k.CommentMentions {
		switch {
		case m.Code == "":
			return fmt.Errorf("kintone: comment_mentions[%d]: code is required (a user's login name, or an organization's or group's code)", i)
		case m.Type != "USER" && m.Type != "GROUP" && m.Type != "ORGANIZATION":
			return fmt.Errorf("kintone: comment_mentions[%d] (%s): type must be USER, GROUP or ORGANIZATION, not %q", i, m.Code, m.Type)
		}
	}
	return nil
}

// KintoneMention is one addressee of a record comment: a user's login
// name, or an organization's or group's code, and which it is.
type KintoneMention struct {
	Code string `json:"code" yaml:"code"`
	Type string `json:"type" yaml:"type"`
}

// PushAccount implements push.AccountConnector: a record of the MQA app,
// upserted by the MQA id. Without an AccountApp, push.ErrNotTaken.
func (k *Kintone) PushAccount(ctx context.Context, m account.MQA) (string, error) {
	if k.AccountApp == 0 {
		return "", push.ErrNotTaken
	}
	ctx = withFormMemo(ctx)
	at, err := k.timeFor(ctx, k.AccountApp, k.AccountFields["qualified_at"], m.At)
	if err != nil {
		return "", err
	}
	return k.fitted(ctx, k.AccountApp, k.AccountKeyField, m.ID, k.accountRecord(m, false, at), true, k.AccountFields["mqa_summary"], m.Summary(), nil, notesIn(m.Lang).on(m.Sites))
}

// RewriteAccount implements push.AccountRewriter: the MQA app's record of
// the MQA is updated to the MQA as it now is, a value now empty (the last
// person's email, say) emptied. A record deleted at kintone stays deleted.
func (k *Kintone) RewriteAccount(ctx context.Context, m account.MQA) error {
	if k.AccountApp == 0 {
		return nil
	}
	ctx = withFormMemo(ctx)
	at, err := k.timeFor(ctx, k.AccountApp, k.AccountFields["qualified_at"], m.At)
	if err != nil {
		return err
	}
	_, err = k.fitted(ctx, k.AccountApp, k.AccountKeyField, m.ID, k.accountRecord(m, true, at), false, k.AccountFields["mqa_summary"], m.Summary(), nil, notesIn(m.Lang).on(m.Sites))
	var pe *push.Error
	if errors.As(err, &pe) && pe.Code == "GAIA_RE01" {
		return nil
	}
	return err
}

// accountRecord is the MQA app's record of m, by the configured fields
// (at: its qualified_at as the field takes it, timeFor); empty values are
// left out unless emptied is set.
func (k *Kintone) accountRecord(m account.MQA, emptied bool, at string) map[string]any {
	rec := map[string]any{}
	for what, code := range k.AccountFields {
		v := ""
		switch what {
		case "account":
			v = m.Account
		case "company":
			v = m.Name
		case "domain":
			v = m.Domain()
		case "mqa_condition": // as sales read it: the rules file's label in the team's language, else the name
			v = cmp.Or(m.Label, m.Condition)
		case "mqa_summary":
			v = m.Summary()
		case "score":
			v = jsonNumber(m.Score)
		case "people":
			var es []string
			for _, p := range m.People {
				es = append(es, p.Email)
			}
			v = strings.Join(es, "\n")
		case "qualified_at":
			v = at
		default:
			v = m.Attributes[what]
		}
		if code != "" && (v != "" || emptied) {
			rec[code] = map[string]string{"value": v}
		}
	}
	return rec
}

// Push implements push.Connector.
func (k *Kintone) Push(ctx context.Context, l push.Lead) (string, error) {
	// The record's fields of the attributes it was last sent stay as sales
	// keep them (push.Lead.Unchanged), when the record is there: one sales
	// deleted is made again whole. So do the fields sales wrote since Baton
	// did (push.Lead.SalesOwn), the summary giving the person's new value.
	// The one read of the record gives its status field too (what the
	// write leaves there, statusAfterWrite), and the app's form is read
	// once a delivery however many steps need it: kintone counts every
	// request against the app's daily allocation (10,000).
	ctx = withFormMemo(ctx)
	var unchanged map[string]bool
	var cur map[string]string // the record's person fields, when it is there
	codes := []string{k.EmailField}
	for attr, code := range k.Fields {
		if !kintoneLeadFields[attr] && code != "" && !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	if k.StatusField != "" && !slices.Contains(codes, k.StatusField) {
		codes = append(codes, k.StatusField)
	}
	recs, err := k.findRecords(ctx, l.Email, "finding the lead's record", codes...)
	if err != nil {
		return "", err
	}
	var status *string // the record's status field, when it is there
	if len(recs) > 0 {
		unchanged, cur = l.Unchanged, map[string]string{}
		for code, f := range recs[0] {
			if v, ok := f.Value.(string); ok { // a list (check boxes, users) is none Baton writes
				cur[code] = v
			}
		}
		v, _ := recs[0][k.StatusField].Value.(string)
		status = &v
	}
	at, err := k.timeFor(ctx, k.App, k.Fields["qualified_at"], l.QualifiedAt)
	if err != nil {
		return "", err
	}
	rec := map[string]any{}
	set := func(code, v string) {
		if code != "" && v != "" {
			rec[code] = map[string]string{"value": v}
		}
	}
	summaryCode := ""
	var kept []struct{ code, sales, person string } // values sales wrote, left as they are
	for attr, code := range k.Fields {
		switch attr {
		case "mql_condition": // as sales read it (and Salesforce's and HubSpot's subjects say it): the rules file's label in the team's language, else the name
			set(code, cmp.Or(l.Label, l.Condition))
		case "mql_summary":
			set(code, l.Summary())
			summaryCode = code
		case "person_url": // a リンク (Web サイトのアドレス) field: sales open the person's page in Baton
			set(code, l.PersonURL)
		case "grade":
			set(code, l.Grade)
		case "behaviour_score":
			set(code, jsonNumber(l.BehaviourScore))
		case "qualified_at":
			set(code, at)
		default:
			switch v := l.Attributes[attr]; {
			case unchanged[attr]:
			case cur != nil && code != "" && l.SalesOwn(attr, cur[code], v) && !notProvided(cur[code]): // Baton's stand-in is no one's value
				kept = append(kept, struct{ code, sales, person string }{code, strings.TrimSpace(cur[code]), v})
			default:
				set(code, v)
			}
		}
	}
	var keptLines []string
	if len(kept) > 0 {
		form, err := k.form(ctx, k.App) // the fields' labels, as sales know them
		if err != nil {
			return "", err
		}
		for _, v := range kept {
			// The person's value is what they typed in a form, and the
			// summary field and the comment show a URL as a link: one not
			// on the team's sites is marked, as in the summary above.
			person := notesIn(l.Lang).on(l.Sites).text(v.person)
			keptLines = append(keptLines, fmt.Sprintf(notesIn(l.Lang).kept, cmp.Or(form[v.code].Label, v.code), v.sales, person))
		}
		sort.Strings(keptLines)
		if summaryCode != "" {
			rec[summaryCode] = map[string]string{"value": form[summaryCode].fitText(l.Summary(), notesIn(l.Lang).ktHead+strings.Join(keptLines, "\n")+"\n", notesIn(l.Lang).ktMore)}
		}
	}
	reopened := ""
	if l.Cycle > 1 && k.StatusField != "" && !k.KeepLeadStatus {
		v, takes, err := k.reopenStatus(ctx)
		if err != nil {
			return "", err
		}
		set(k.StatusField, v)
		if takes {
			reopened = v
		} // else kintone refuses it and the write leaves the record's (fitForm): read below
	}
	if k.StatusField != "" {
		// kintone sends a webhook for every edit of the record (sales'
		// own, of any field; not Baton's, through the many-records API),
		// with the record as it then is: the status this write leaves
		// is kept (before the write, so no webhook can come first), and
		// feedback reads a webhook still carrying it as no verdict on this
		// MQL (a status sales set before it, 見送り from an earlier lead, is
		// not their answer to it).
		st, err := k.statusAfterWrite(ctx, status, reopened)
		if err != nil {
			return "", err
		}
		if err := push.ProgressFrom(ctx).SaveStep(ctx, push.KintoneStatusStep, st); err != nil {
			return "", err
		}
	}
	id, err := k.fitted(ctx, k.App, k.EmailField, l.Email, rec, true, summaryCode, l.Summary(), keptLines, notesIn(l.Lang).on(l.Sites))
	if err != nil || !k.Comment {
		return id, err
	}
	if err := k.comment(ctx, id, l, keptLines); err != nil {
		return "", err
	}
	return id, nil
}

// Steps of a delivery (push.Progress) for its record comment: the
// comment's id once kintone answered it, and that one was sent.
const (
	commentStep     = "kintone-comment"
	commentSentStep = "kintone-comment-sent"
)

// comment posts the MQL's summary on its record (POST
// /k/v1/record/comment.json), once per MQL: its id is kept with the
// delivery, and a comment whose answer was lost is looked for among the
// record's latest before it is sent again (kintone's comments read back at
// once), by the line that ends it, naming the MQL. The values sales kept
// (kept) are said in it too: without a summary field, the one place the
// person's new values show.
func (k *Kintone) comment(ctx context.Context, record string, l push.Lead, kept []string) error {
	text := l.Summary()
	if len(kept) > 0 {
		text += notesIn(l.Lang).ktHead + strings.Join(kept, "\n") + "\n"
	}
	return k.postComment(ctx, record, text, "(Baton MQL "+l.MQLID+")")
}

// postComment posts text on the record once per delivery, ending in marker
// (which finds it again when kintone's answer was lost), addressed to
// CommentMentions.
func (k *Kintone) postComment(ctx context.Context, record, text, marker string) error {
	prog := push.ProgressFrom(ctx)
	if prog.Step(commentStep) != "" {
		return nil
	}
	if prog.Step(commentSentStep) != "" {
		found, err := k.findComment(ctx, record, marker)
		if err != nil {
			return err
		}
		if found != "" {
			return prog.SaveStep(ctx, commentStep, found)
		}
	}
	text, _ = fit(text, kintoneCommentMax-utf16Len(marker)-1)
	mentions := k.CommentMentions
	if mentions == nil {
		mentions = []KintoneMention{}
	}
	body, _ := json.Marshal(map[string]any{"app": k.App, "record": record, "comment": map[string]any{"text": text + "\n" + marker, "mentions": mentions}})
	if err := prog.SaveStep(ctx, commentSentStep, "1"); err != nil {
		return err
	}
	req, _ := http.NewRequestWithContext(ctx, "POST", k.endpoint("record/comment.json"), bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	out, err := k.answer(req, "commenting on record "+record, 1<<20)
	if err != nil {
		return err
	}
	var r struct {
		ID json.RawMessage `json:"id"`
	}
	json.Unmarshal(out, &r)
	id := strings.Trim(string(r.ID), `"`)
	if id == "" {
		id = "posted"
	}
	return prog.SaveStep(ctx, commentStep, id)
}

// PushActivity implements push.ActivityConnector: a form the person sent
// after their MQL, as a comment on the record the MQL went on (the MQL's
// delivery's id), addressed as the MQL's comment is and posted once per
// activity as it is. Without comments (sfa.kintone.comment: false, the
// app's コメント機能 perhaps off) it is not taken (push.ErrNotTaken).
func (k *Kintone) PushActivity(ctx context.Context, a push.FormActivity) (string, error) {
	if !k.Comment {
		return "", push.ErrNotTaken
	}
	if err := k.postComment(ctx, a.MQLExternalID, a.Subject()+"\n"+a.Summary(), "(Baton activity "+a.ID+")"); err != nil {
		return "", err
	}
	return push.ProgressFrom(ctx).Step(commentStep), nil
}

// FindPerson implements push.ActivityFinder, for a form sent after an
// MQL whose delivery here was never recorded (kintone configured since, or
// the MQL predates delivery records): the leads app's record with the
// person's email. Without comments it is not taken, as PushActivity.
func (k *Kintone) FindPerson(ctx context.Context, a push.FormActivity) (string, bool, error) {
	if !k.Comment {
		return "", false, push.ErrNotTaken
	}
	recs, err := k.findRecords(ctx, a.Email, "finding the person's record", "$id")
	if err != nil || len(recs) == 0 {
		return "", false, err
	}
	id, _ := recs[0]["$id"].Value.(string)
	return id, id != "", nil
}

// kintoneCommentMax is kintone's limit on a comment's text, in characters.
const kintoneCommentMax = 65535

// findComment is the id of the record's comment ending in marker ("" for
// none), read newest first ten at a time (kintone's most a read): sales
// may have written more than ten since Baton's, which would then be posted
// again. At most maxCommentPages are read: a comment whose answer was lost
// is looked for soon after, so it is among the latest unless sales wrote
// hundreds meanwhile.
func (k *Kintone) findComment(ctx context.Context, record, marker string) (string, error) {
	for page := range maxCommentPages {
		q := url.Values{"app": {strconv.Itoa(k.App)}, "record": {record}, "order": {"desc"}, "offset": {strconv.Itoa(page * 10)}, "limit": {"10"}}
		req, _ := http.NewRequestWithContext(ctx, "GET", k.endpoint("record/comments.json?"+q.Encode()), nil)
		out, err := k.answer(req, "reading record "+record+"'s comments", 4<<20)
		if err != nil {
			return "", err
		}
		var r struct {
			Comments []struct {
				ID   json.RawMessage `json:"id"`
				Text string          `json:"text"`
			} `json:"comments"`
			Older bool `json:"older"` // comments before the page's
		}
		if err := json.Unmarshal(out, &r); err != nil {
			// Taken for none, the comment would be posted twice.
			return "", &push.Error{Connector: "kintone", Status: 200, Message: "reading record " + record + "'s comments: " + err.Error()}
		}
		for _, c := range r.Comments {
			if strings.HasSuffix(strings.TrimSpace(c.Text), marker) { // whole: -c1) is not -c10)
				return strings.Trim(string(c.ID), `"`), nil
			}
		}
		if !r.Older || len(r.Comments) == 0 {
			break
		}
	}
	return "", nil
}

// maxCommentPages bounds findComment's reads: 50 pages, the latest 500
// comments.
const maxCommentPages = 50

// kintoneLeadFields are the attributes of Kintone.Fields that are the
// MQL's, not the person's: written whatever the record has.
var kintoneLeadFields = map[string]bool{"mql_condition": true, "mql_summary": true, "person_url": true, "grade": true, "behaviour_score": true, "qualified_at": true}

// statusAfterWrite is the status field's value once Baton's write of a
// lead is in: set, when the write sets it; else the record's as the
// delivery read it (cur; nil: no record), or the form's default value for
// the record the write creates. The record is not read again: the
// delivery's read is of the same moment (nothing is written between), and
// a record it found none of is one the write creates.
func (k *Kintone) statusAfterWrite(ctx context.Context, cur *string, set string) (string, error) {
	if set != "" {
		return set, nil
	}
	if cur != nil {
		return *cur, nil
	}
	form, err := k.form(ctx, k.App)
	if err != nil {
		return "", err
	}
	var def string
	json.Unmarshal(form[k.StatusField].DefaultValue, &def)
	return def, nil
}

// reopenStatus is the value the status field is set to on a lead that
// qualifies again: LeadStatus, else the field's default value in the
// app's form ("": the field is not one Baton can write, or has no
// default: nothing is written). takes is false when the field's form does
// not take it (a drop-down or radio button without that option): the
// write leaves the field as the record has it.
func (k *Kintone) reopenStatus(ctx context.Context) (v string, takes bool, err error) {
	form, err := k.form(ctx, k.App)
	if err != nil {
		return "", false, err
	}
	f, ok := form[k.StatusField]
	switch f.Type {
	case "SINGLE_LINE_TEXT", "MULTI_LINE_TEXT", "DROP_DOWN", "RADIO_BUTTON":
	default:
		ok = false // the process management's STATUS, a calculated field ...: not written by a record
	}
	if !ok {
		return "", false, nil
	}
	v = k.LeadStatus
	if v == "" {
		json.Unmarshal(f.DefaultValue, &v)
	}
	_, option := f.Options[v]
	return v, option || f.Type != "DROP_DOWN" && f.Type != "RADIO_BUTTON", nil
}

// timeFor is t as the field code of app's form takes it, read from the
// form ("" without a code): a DATETIME field UTC (kintone's format, shown in
// each user's zone); in Loc, a DATE field the day, a TIME field the time, a
// text field both with the zone's name (2026-12-05 08:30 JST: the UTC
// time read as Japan's was 9 hours off, and a date field refused the UTC
// datetime with the whole record, the lead lost). Any other kind of field
// gets the UTC datetime, which kintone refuses and fitted leaves out, said
// in the summary.
func (k *Kintone) timeFor(ctx context.Context, app int, code string, t time.Time) (string, error) {
	if code == "" || t.IsZero() {
		return "", nil
	}
	form, err := k.form(ctx, app)
	if err != nil {
		return "", err
	}
	loc := k.Loc
	if loc == nil {
		loc = time.UTC
	}
	switch form[code].Type {
	case "DATE":
		return t.In(loc).Format(time.DateOnly), nil
	case "TIME":
		return t.In(loc).Format("15:04"), nil
	case "SINGLE_LINE_TEXT", "MULTI_LINE_TEXT":
		return t.In(loc).Format("2006-01-02 15:04 MST"), nil
	}
	return t.UTC().Format(time.RFC3339), nil
}

// fitted is upsert; when kintone refuses the whole record for values its
// form does not take, it fits them to the form and sends it again rather
// than lose the lead, the summary field (summaryCode, "" for none; its
// text summary) listing what was cut or left out, after kept (lines on
// values sales kept, already in the summary field's value).
func (k *Kintone) fitted(ctx context.Context, app int, keyField, key string, rec map[string]any, insert bool, summaryCode, summary string, kept []string, w notes) (string, error) {
	id, refused, err := k.put(ctx, app, keyField, key, rec, insert)
	if len(refused) == 0 || slices.Contains(refused, keyField) { // the key is the lead's: never fitted
		return id, err
	}
	form, ferr := k.form(ctx, app)
	if ferr != nil {
		return "", ferr
	}
	notes, ok := fitForm(form, rec, refused, summaryCode, w)
	if !ok {
		return "", err
	}
	notes = append(slices.Clone(kept), notes...)
	if summaryCode != "" && (len(notes) > 0 || slices.Contains(refused, summaryCode)) {
		tail := ""
		if len(notes) > 0 {
			tail = w.ktHead + strings.Join(notes, "\n") + "\n"
		}
		rec[summaryCode] = map[string]string{"value": form[summaryCode].fitText(summary, tail, w.ktMore)}
	}
	return k.upsert(ctx, app, keyField, key, rec, insert)
}

// fitText is the summary and tail (what was cut from the other fields)
// within the field's 文字数 limit, if it has one: the tail in half of it
// at most, the summary in the rest, each cut on a character, the summary
// saying so. A 文字列（1行） mapped as the summary, shorter than it, was
// sent it again whole with the tail and refused again: the lead was lost.
func (f kintoneField) fitText(summary, tail, more string) string {
	max, err := strconv.Atoi(f.MaxLength)
	if err != nil {
		return summary + tail
	}
	tail, _ = fit(tail, max/2)
	room := max - utf16Len(tail)
	if _, cut := fit(summary, room); !cut {
		return summary + tail
	}
	if room <= utf16Len(more) {
		short, _ := fit(summary, room)
		return short + tail
	}
	short, _ := fit(summary, room-utf16Len(more))
	return short + more + tail
}

// kintoneField is a field of an app's form, as far as Baton needs it.
type kintoneField struct {
	Type      string         `json:"type"`
	Label     string         `json:"label"`
	Unique    bool           `json:"unique"`
	Required  bool           `json:"required"`
	MaxLength string         `json:"maxLength"` // "" for no limit
	Options   map[string]any `json:"options"`
	// DefaultValue is what a new record gets when not given the field: a
	// string (text, drop-down, radio button), a list for the multiple
	// choice fields.
	DefaultValue json.RawMessage `json:"defaultValue"`
}

// fitForm makes rec what the app's form takes, for the fields kintone
// refused (CB_VA01): text over its 文字数 limit is cut on a character, a
// value a number, date, time, link, drop-down or radio button field does
// not take is left out (the lead is worth more than the value), a required text field a new record has no value for is
// [not provided] (（未入力） for a Japanese team). It returns what was cut or left out ("label (why): the
// value"), but for summaryCode, the summary, which says itself it was cut
// (fitText) rather than be copied whole into itself; ok false when rec
// cannot be made to fit.
func fitForm(form map[string]kintoneField, rec map[string]any, refused []string, summaryCode string, w notes) (cuts []string, ok bool) {
	for _, code := range refused {
		f, known := form[code]
		if !known {
			return nil, false
		}
		label := f.Label
		if label == "" {
			label = code
		}
		var v string
		cell, given := rec[code].(map[string]string)
		if given {
			v = cell["value"]
		}
		text := f.Type == "SINGLE_LINE_TEXT" || f.Type == "MULTI_LINE_TEXT"
		switch max, lerr := strconv.Atoi(f.MaxLength); {
		case !given && f.Required && text:
			rec[code] = map[string]string{"value": w.notProvided}
		case given && text && lerr == nil:
			short, cut := fit(v, max)
			if !cut {
				return nil, false
			}
			rec[code] = map[string]string{"value": short}
			if code != summaryCode {
				cuts = append(cuts, fmt.Sprintf(w.cut, label, max, w.text(v)))
			}
		case given && !f.Required && leftOutKinds[f.Type]:
			delete(rec, code)
			cuts = append(cuts, fmt.Sprintf(w.ktLeft, label, w.text(v)))
		default:
			return nil, false
		}
	}
	sort.Strings(cuts)
	return cuts, true
}

// leftOutKinds are the kinds of field whose refused value fitForm leaves
// out (when not required), there being no shorter form of it to send.
var leftOutKinds = map[string]bool{"NUMBER": true, "DROP_DOWN": true, "RADIO_BUTTON": true, "DATE": true, "TIME": true, "DATETIME": true, "LINK": true}

// refusedField reads the field code of a CB_VA01 error key.
var refusedField = regexp.MustCompile(`^records\[0\]\.record\.(.+)\.value$`)

// upsert writes one record of an app by its update key; without insert,
// a record that does not exist is kintone's GAIA_RE01.
func (k *Kintone) upsert(ctx context.Context, app int, keyField, key string, rec map[string]any, insert bool) (string, error) {
	id, _, err := k.put(ctx, app, keyField, key, rec, insert)
	return id, err
}

// put is upsert, also naming the fields whose values kintone refused.
func (k *Kintone) put(ctx context.Context, app int, keyField, key string, rec map[string]any, insert bool) (string, []string, error) {
	body, _ := json.Marshal(map[string]any{
		"app": app, "upsert": insert,
		"records": []any{map[string]any{"updateKey": map[string]string{"field": keyField, "value": key}, "record": rec}},
	})
	req, _ := http.NewRequestWithContext(ctx, "PUT", k.endpoint("records.json"), bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	out, err := k.answer(req, "", 1<<20)
	if err == nil {
		var r struct {
			Records []struct {
				ID string `json:"id"`
			} `json:"records"`
		}
		if json.Unmarshal(out, &r) == nil && len(r.Records) == 1 {
			return r.Records[0].ID, nil, nil
		}
		return "", nil, &push.Error{Connector: "kintone", Status: 200, Message: "unexpected answer: " + answerText(out)}
	}
	var e struct {
		Code   string          `json:"code"`
		Errors json.RawMessage `json:"errors"`
	}
	json.Unmarshal(out, &e)
	var refused []string
	var byField map[string]json.RawMessage
	if e.Code == "CB_VA01" && json.Unmarshal(e.Errors, &byField) == nil {
		for key := range byField {
			if m := refusedField.FindStringSubmatch(key); m != nil {
				refused = append(refused, m[1])
			}
		}
		sort.Strings(refused)
	}
	return "", refused, err
}

// kintoneRetryCodes are kintone's errors that ask to try again later: too
// many concurrent requests (or cursors), a timeout, "processing, try
// again", a database lock. kintone sends them with a 4xx or its 520 as
// well as a 5xx.
var kintoneRetryCodes = map[string]bool{"GAIA_TM12": true, "CB_TO01": true, "GAIA_RE18": true, "GAIA_DA02": true}

// kintonePermanentCodes are kintone's errors about the request or the
// setup, which no retry mends: a value refused (CB_VA01), a body or
// request it cannot read (CB_IJ01, CB_IL02), no permission (CB_NO02),
// authentication (CB_AU01, GAIA_IA02: the API token), an app or record
// that does not exist (GAIA_AP01, GAIA_RE01).
var kintonePermanentCodes = map[string]bool{"CB_VA01": true, "CB_IJ01": true, "CB_IL02": true, "CB_NO02": true, "CB_AU01": true, "GAIA_IA02": true, "GAIA_AP01": true, "GAIA_RE01": true}

// kintoneUnknownAttempts bounds the attempts of a delivery kintone keeps
// answering with a code of neither list: with the push worker's backoff
// (2 s doubled each time) about 10 to 17 minutes of trying, past a lock or
// a load that clears, before it is dead with kintone's code and message.
const kintoneUnknownAttempts = 10

// kintoneVerdict classifies an error answer: permanent (dead at once), or
// transient, at most maxAttempts attempts in all when that is not 0.
// kintone answers 520 for an error it has no HTTP status for, its JSON
// code saying which, and the same codes come with 400 or 409. kintone
// documents no complete list of its codes (its developer pages name
// them case by case; a value refused is seen at 520 as often as at 400),
// so a code of neither list is retried a bounded number of times: a
// transient condition kintone names in a code new to Baton loses no
// delivery, a permanent one is dead after kintoneUnknownAttempts. The
// status decides for 401, 403 and 404 (credentials, permission, a wrong
// URL or app) and for an answer without a code: a 520 without one is not
// kintone's (a proxy's "unknown error"), transient as any other 5xx and
// 429.
func kintoneVerdict(status int, code string) (permanent bool, maxAttempts int) {
	switch {
	case kintoneRetryCodes[code] || status == 429:
		return false, 0
	case kintonePermanentCodes[code]:
		return true, 0
	case code == "" || status == 401 || status == 403 || status == 404:
		return status < 500 && status != 520 && status >= 400, 0
	case status >= 500 && status != 520:
		return false, 0 // kintone unavailable (GAIA_UN03, maintenance): as long as the worker retries
	}
	return false, kintoneUnknownAttempts
}

func jsonNumber(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

// endpoint is the URL of a kintone REST resource (records.json,
// app/form/fields.json?app=42 ...).
func (k *Kintone) endpoint(resource string) string {
	return strings.TrimSuffix(k.BaseURL, "/") + "/k/v1/" + resource
}

func (k *Kintone) client() *http.Client {
	return noRedirects(k.Client, 20*time.Second)
}

// Check reads the app's form (GET /k/v1/app/form/fields.json) and makes
// sure the update key can be one: the email field exists, is text (1 line)
// or a number, and has 値の重複を禁止する (unique) set. A *push.Error that is
// not Permanent means kintone could not be asked (try again later).
func (k *Kintone) Check(ctx context.Context) error {
	if err := k.checkKey(ctx, k.App, k.EmailField, "email_field"); err != nil || k.AccountApp == 0 {
		return err
	}
	return k.checkKey(ctx, k.AccountApp, k.AccountKeyField, "account_key_field")
}

// checkKey checks that field of app can be its update key (setting names
// it in the configuration).
func (k *Kintone) checkKey(ctx context.Context, app int, field, setting string) error {
	form, err := k.form(ctx, app)
	if err != nil {
		return err
	}
	f, ok := form[field]
	switch {
	case !ok:
		var codes []string
		for c := range form {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		return fmt.Errorf("kintone: %s %q: app %d has no field with that code (its field codes: %s)", setting, field, app, strings.Join(codes, ", "))
	case f.Type != "SINGLE_LINE_TEXT" && f.Type != "NUMBER":
		return fmt.Errorf("kintone: %s %q (%s) is a %s field: the update key must be a 文字列（1行） (SINGLE_LINE_TEXT) or 数値 (NUMBER) field", setting, field, f.Label, f.Type)
	case !f.Unique:
		return fmt.Errorf("kintone: %s %q (%s) does not prohibit duplicate values: set 値の重複を禁止する (unique) on it in the app's form settings", setting, field, f.Label)
	}
	return nil
}

// formMemo keeps the forms one delivery read (withFormMemo), by app.
type formMemo struct {
	mu    sync.Mutex
	forms map[int]map[string]kintoneField
}

type formMemoKey struct{}

// withFormMemo is ctx with a memory of the forms read under it: a
// delivery's steps (its qualified_at field's kind, the reopened status,
// the labels of kept values, a refused write's fitting, a new record's
// default status) read the app's form once, not once a step.
func withFormMemo(ctx context.Context) context.Context {
	if _, ok := ctx.Value(formMemoKey{}).(*formMemo); ok {
		return ctx
	}
	return context.WithValue(ctx, formMemoKey{}, &formMemo{forms: map[int]map[string]kintoneField{}})
}

// form reads an app's form fields (GET /k/v1/app/form/fields.json), once
// under a withFormMemo context. A *push.Error that is not Permanent means
// kintone could not be asked.
func (k *Kintone) form(ctx context.Context, app int) (map[string]kintoneField, error) {
	memo, _ := ctx.Value(formMemoKey{}).(*formMemo)
	if memo != nil {
		memo.mu.Lock()
		defer memo.mu.Unlock()
		if f, ok := memo.forms[app]; ok {
			return f, nil
		}
	}
	q := url.Values{"app": {strconv.Itoa(app)}}
	req, _ := http.NewRequestWithContext(ctx, "GET", k.endpoint("app/form/fields.json?"+q.Encode()), nil)
	out, err := k.answer(req, "reading the form fields of app "+strconv.Itoa(app), 4<<20)
	if err != nil {
		return nil, err
	}
	var form struct {
		Properties map[string]kintoneField `json:"properties"`
	}
	if err := json.Unmarshal(out, &form); err != nil {
		return nil, &push.Error{Connector: "kintone", Status: 200, Message: "form fields: " + err.Error()}
	}
	if memo != nil {
		memo.forms[app] = form.Properties
	}
	return form.Properties, nil
}

// Forget deletes the person's record, found by the email field (the
// update key, so kintone keeps at most one).
func (k *Kintone) Forget(ctx context.Context, personID, email string) error {
	recs, err := k.findRecords(ctx, email, "finding the person's record", "$id")
	if err != nil || len(recs) == 0 {
		return err
	}
	id, _ := recs[0]["$id"].Value.(string)
	del := url.Values{"app": {strconv.Itoa(k.App)}, "ids[0]": {id}}
	req, _ := http.NewRequestWithContext(ctx, "DELETE", k.endpoint("records.json?"+del.Encode()), nil)
	_, err = k.answer(req, "deleting the person's record", 1<<20)
	return err
}

// findRecords asks for the leads app's records whose email field is
// email, with the given fields; doing names the step in errors.
func (k *Kintone) findRecords(ctx context.Context, email, doing string, fields ...string) ([]map[string]struct {
	Value any `json:"value"`
}, error) {
	q := url.Values{"app": {strconv.Itoa(k.App)}, "query": {k.EmailField + " = " + kintoneString(email)}}
	for i, f := range fields {
		q.Set("fields["+strconv.Itoa(i)+"]", f)
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", k.endpoint("records.json?"+q.Encode()), nil)
	out, err := k.answer(req, doing, 1<<20)
	if err != nil {
		return nil, err
	}
	var found struct {
		Records []map[string]struct {
			Value any `json:"value"`
		} `json:"records"`
	}
	if err := json.Unmarshal(out, &found); err != nil {
		return nil, &push.Error{Connector: "kintone", Status: 200, Message: "unexpected answer: " + answerText(out)}
	}
	return found.Records, nil
}

// answer sends req to kintone with the API token and returns the body
// of a 200 answer (at most limit bytes). Anything else is a *push.Error
// judged by kintoneVerdict, saying kintone's message and the field errors
// it lists, after doing when given; its body is returned with it (put
// reads the refused fields there).
func (k *Kintone) answer(req *http.Request, doing string, limit int64) ([]byte, error) {
	req.Header.Set("X-Cybozu-API-Token", k.APIToken)
	if doing != "" {
		doing += ": "
	}
	resp, err := k.client().Do(req)
	if err != nil {
		return nil, &push.Error{Connector: "kintone", Message: doing + err.Error()}
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, limit))
	switch {
	case resp.StatusCode == 200:
		return out, nil
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return out, redirected("kintone", resp)
	}
	var e struct {
		Code    string          `json:"code"`
		Message string          `json:"message"`
		Errors  json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(out, &e) != nil || e.Message == "" {
		e.Message = answerText(out)
	}
	if len(e.Errors) > 2 {
		e.Message += " " + string(e.Errors)
	}
	pe := &push.Error{Connector: "kintone", Status: resp.StatusCode, Code: e.Code, Message: doing + e.Message}
	if pe.Permanent, pe.MaxAttempts = kintoneVerdict(resp.StatusCode, e.Code); !pe.Permanent {
		now := clock.Now()
		if k.Now != nil {
			now = k.Now()
		}
		pe.RetryAfter = retryAfter(resp.Header, now)
	}
	return out, pe
}

// kintoneString is s as a string literal of kintone's query language:
// in double quotes, with double quotes and backslashes escaped.
func kintoneString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// RecordOwner implements push.OwnerReader: the rep of the record id (GET
// /k/v1/record.json, レコード閲覧), as feedback names kintone's: the first
// user of OwnerField, else of the process management's 作業者 (the
// STATUS_ASSIGNEE field, whom the status waits on), by display name,
// else login name (ID the login name). The record's 更新者, which feedback
// falls back to, is no owner here: before sales touch the record it is
// Baton's own write. A record deleted since has none.
func (k *Kintone) RecordOwner(ctx context.Context, id string) (qualify.Owner, error) {
	q := url.Values{"app": {strconv.Itoa(k.App)}, "id": {id}}
	req, _ := http.NewRequestWithContext(ctx, "GET", k.endpoint("record.json?"+q.Encode()), nil)
	out, err := k.answer(req, "reading the record's owner", 1<<20)
	if pe := (*push.Error)(nil); errors.As(err, &pe) && pe.Code == "GAIA_RE01" {
		return qualify.Owner{}, nil
	} else if err != nil {
		return qualify.Owner{}, err
	}
	var got struct {
		Record map[string]struct {
			Type  string          `json:"type"`
			Value json.RawMessage `json:"value"`
		} `json:"record"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		return qualify.Owner{}, &push.Error{Connector: "kintone", Status: 200, Message: "unexpected answer: " + answerText(out)}
	}
	f, ok := got.Record[k.OwnerField]
	if k.OwnerField == "" || !ok {
		for _, g := range got.Record {
			if g.Type == "STATUS_ASSIGNEE" {
				f, ok = g, true
			}
		}
	}
	var users []struct{ Code, Name string }
	if !ok || json.Unmarshal(f.Value, &users) != nil || len(users) == 0 {
		return qualify.Owner{}, nil
	}
	u := users[0]
	return qualify.Owner{ID: u.Code, Name: textcut.Runes(cmp.Or(strings.TrimSpace(u.Name), u.Code), qualify.MaxOwnerRunes)}, nil
}
