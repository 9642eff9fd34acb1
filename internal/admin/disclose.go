package admin

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
)

// discloser gathers what Baton keeps of a person; see privacy.Eraser.Disclose.
type discloser interface {
	Disclose(ctx context.Context, personID string) (privacy.Subject, privacy.Disclosure, error)
}

// The disclosure is the erase scope's, as the erasure: both answer a
// person's privacy request, and the file holds everything of them. Every
// request of that scope is audited: each part's read too.
func (h *Handler) discloseRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/people/{id}/disclosure", h.Require(ScopeErase, func(w http.ResponseWriter, r *http.Request) {
		cur, ok := partFrom(w, r)
		if !ok {
			return
		}
		id := r.PathValue("id")
		h.disclose(w, r, id, cur, h.cookiePath(r)+"/people/"+url.PathEscape(id)+"/disclosure?")
	}))
	mux.Handle("GET /admin/disclosure", h.Require(ScopeErase, func(w http.ResponseWriter, r *http.Request) {
		email, ok := queryEmail(w, r)
		if !ok {
			return
		}
		cur, ok := partFrom(w, r)
		if !ok {
			return
		}
		p, err := h.People.ByEmail(r.Context(), email)
		if errors.Is(err, identity.ErrNotFound) {
			h.discloseEmail(w, r, email, cur)
			return
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		// The trail says whose data was handed out: the person's id, as
		// the other route's path records it (never the email). The next
		// part is asked by that id: no email in a URL.
		auditID(w, p.ID)
		h.disclose(w, r, p.ID, cur, h.cookiePath(r)+"/people/"+url.PathEscape(p.ID)+"/disclosure?")
	}))
	mux.Handle("GET /admin/people/{id}/disclosure/parts", h.Require(ScopeErase, h.disclosureParts))
}

// Disclosure is the file a person's request to see their data is answered
// with (個人情報保護法 第33条, GDPR Art. 15): its first part, which says
// what there is (counts) and, when the rest did not fit, where the next
// part is (Next).
type Disclosure struct {
	Person       string                       `json:"person"`
	Email        string                       `json:"email"`
	FormerEmails []string                     `json:"formerEmails,omitempty"`
	Visitors     []string                     `json:"visitors"`   // browser and other ids linked to them
	VisitorIDs   string                       `json:"visitorIds"` // what those ids are, in the asker's language
	GeneratedAt  string                       `json:"generatedAt"`
	TimeZone     string                       `json:"timeZone"` // of generatedAt; the items' times are UTC
	Times        string                       `json:"times"`    // says so, in the asker's language: the file is read, not only parsed
	Counts       map[string]int               `json:"counts"`   // what an erasure would remove, by kind: of all parts
	About        map[string]string            `json:"about"`    // what each kind is, in the asker's language
	Items        map[string][]json.RawMessage `json:"items"`    // this part's
	Part         int                          `json:"part"`
	Next         string                       `json:"next,omitempty"` // the next part's URL; absent on the last
}

// DisclosurePart is a part after the first: the same disclosure (the
// first part's generatedAt), the items after the previous part's.
type DisclosurePart struct {
	Person      string                       `json:"person"`
	Email       string                       `json:"email"`
	GeneratedAt string                       `json:"generatedAt"` // the first part's
	TimeZone    string                       `json:"timeZone"`
	Times       string                       `json:"times"`
	About       map[string]string            `json:"about"` // of this part's kinds
	Items       map[string][]json.RawMessage `json:"items"`
	Part        int                          `json:"part"`
	Next        string                       `json:"next,omitempty"`
}

// emailDiscloser shows what Baton keeps of an email no person holds; see
// privacy.Eraser.DiscloseEmail.
type emailDiscloser interface {
	DiscloseEmail(ctx context.Context, email string) (privacy.Disclosure, error)
}

// discloseEmail answers the request of an email no person holds, as the
// erasure does (eraseEmail): events may still name it (a flagged form
// identifies nobody, but keeps the name and phone typed with it). "Never
// known" was the answer while Baton kept them.
func (h *Handler) discloseEmail(w http.ResponseWriter, r *http.Request, email string, cur partCursor) {
	var items privacy.Disclosure
	if d, ok := h.Eraser.(emailDiscloser); ok {
		var err error
		if items, err = d.DiscloseEmail(r.Context(), email); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if len(items) == 0 {
		httpx.Error(w, http.StatusNotFound, "no person holds this email and no event names it (never known, or erased)")
		return
	}
	h.writeDisclosure(w, r, privacy.Subject{Email: email}, items, cur, h.cookiePath(r)+"/disclosure?email="+url.QueryEscape(email)+"&")
}

// gather is everything of a person as a disclosure shows it, or the
// answer that says why not (written: ok false).
func (h *Handler) gather(w http.ResponseWriter, r *http.Request, id string) (privacy.Subject, privacy.Disclosure, bool) {
	d, ok := h.Eraser.(discloser)
	if !ok {
		httpx.Error(w, http.StatusNotFound, "no such person")
		return privacy.Subject{}, nil, false
	}
	s, items, err := d.Disclose(r.Context(), id)
	if errors.Is(err, identity.ErrNotFound) {
		httpx.Error(w, http.StatusNotFound, "no such person")
		return s, nil, false
	}
	if errors.Is(err, privacy.ErrErasing) {
		httpx.Error(w, http.StatusConflict, "the person is being erased: their data is going, and a file now would show part of it")
		return s, nil, false
	}
	if err != nil {
		h.fail(w, r, err)
		return s, nil, false
	}
	return s, items, true
}

func (h *Handler) disclose(w http.ResponseWriter, r *http.Request, id string, cur partCursor, self string) {
	s, items, ok := h.gather(w, r, id)
	if ok {
		h.writeDisclosure(w, r, s, items, cur, self)
	}
}

// writeDisclosure sends one part of the file: of a person, or (s.Person
// empty) of an email no person holds. self is the route's URL up to its
// cursor parameter, for the next part's.
func (h *Handler) writeDisclosure(w http.ResponseWriter, r *http.Request, s privacy.Subject, items privacy.Disclosure, cur partCursor, self string) {
	lang := h.lang(w, r)
	if cur.AsOf.IsZero() {
		cur.AsOf, cur.Part = h.wsNow().UTC(), 1
	}
	all := snapshot(items, cur.AsOf)
	part, from := all.part(cur)
	more := from != nil
	generated := cur.AsOf.In(h.loc())
	next := ""
	if more {
		next = self + "cursor=" + partCursor{AsOf: cur.AsOf, Part: cur.Part + 1, From: from}.String()
		if l := r.URL.Query().Get("lang"); l != "" {
			next += "&lang=" + url.QueryEscape(l)
		}
	}
	var out any
	shown, about := map[string][]json.RawMessage{}, map[string]string{}
	for _, it := range part {
		shown[it.key.Kind] = append(shown[it.key.Kind], it.doc)
		about[it.key.Kind] = aboutKind(it.key.Kind, lang)
	}
	if cur.Part == 1 {
		d := Disclosure{
			Person: s.Person, Email: s.Email, FormerEmails: s.FormerEmails, Visitors: s.Visitors,
			GeneratedAt: generated.Format(time.RFC3339), TimeZone: h.loc().String(), Times: timesNote(h.loc().String(), lang), VisitorIDs: visitorsNote(lang),
			Counts: all.counts(), About: map[string]string{}, Items: shown, Part: 1, Next: next,
		}
		if d.Visitors == nil {
			d.Visitors = []string{}
		}
		for kind := range d.Counts {
			d.About[kind] = aboutKind(kind, lang)
		}
		h.log().Info("person disclosed", "items", d.Counts, "part", 1, "more", more) // no personal data in logs
		out = d
	} else {
		out = DisclosurePart{Person: s.Person, Email: s.Email, GeneratedAt: generated.Format(time.RFC3339), TimeZone: h.loc().String(),
			Times: timesNote(h.loc().String(), lang), About: about, Items: shown, Part: cur.Part, Next: next}
		h.log().Info("person disclosed", "part", cur.Part, "items", len(part), "more", more)
	}
	name := "baton-disclosure-" + s.Person + "-" // the email is never in a name: it would be in logs
	if s.Person == "" {
		name = "baton-disclosure-unidentified-"
	}
	name += generated.Format("2006-01-02")
	if more || cur.Part > 1 {
		name += "-part" + strconv.Itoa(cur.Part)
	}
	attachment(w, name+".json")
	// Indented, without HTML escapes: a file a person reads, in an editor
	// as likely as in a program.
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(out) // the status is sent: a failed write leaves the client a short file
}

// visitorsNote says what the ids in visitors are: a browser's cookie id
// means nothing to a reader, "o:" and "u:" less.
func visitorsNote(lang string) string {
	if lang == "ja" {
		return "visitors は本人に結び付いた ID です。ブラウザの ID（Cookie）、o: で始まるものはメールマガジンの開封の記録、u: で始まるものは当社のシステムが本人に付けた ID です。"
	}
	return "visitors are the ids linked to them: their browsers' ids (a cookie); one starting o: records their newsletter opens; one starting u: is the id our own systems gave them."
}

// timesNote tells the reader which zone each time is in: generatedAt's
// offset alone, beside items' times ending in Z, left a reader in Japan to
// take 09:00Z as 9 a.m. their time.
func timesNote(zone, lang string) string {
	if lang == "ja" {
		return "generatedAt は " + zone + " の時刻です。items の時刻はすべて協定世界時（UTC、末尾の Z）で、日本時間はその 9 時間後です。"
	}
	return "generatedAt is in " + zone + "; every time in items is in UTC (ending in Z)."
}

// itemTimes are the fields that say when an item happened, the likeliest
// first: an event's timestamp, a change's at, a link's linkedAt...
var itemTimes = []string{"timestamp", "at", "linkedAt", "qualifiedAt", "createdAt", "enqueued", "announcedAt", "due"}

// timeIn is the first of fields m holds as a time.
func timeIn(m map[string]json.RawMessage, fields ...string) time.Time {
	for _, k := range fields {
		var s string
		if json.Unmarshal(m[k], &s) != nil {
			continue
		}
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// kindAbout says what each kind of item is, and a field that means nothing
// to a person as stored (a hash) (TestAboutSaysWhatHashesAre). A kind
// without a line here is still disclosed, described as such (the erasure
// suite finds none: privacytest).
var kindAbout = map[string][2]string{
	"person":                  {"the person's record: email, attributes from forms and imports, consent, when created", "本人の基本情報（メールアドレス、フォームや取り込みで得た属性、同意の状態、登録日時）"},
	"email":                   {"an email address that leads to the person", "本人に結び付くメールアドレス"},
	"member":                  {"a browser or other id linked to the person, and since when", "本人に結び付けたブラウザなどの ID と、その時期"},
	"link":                    {"a browser's link to the person: the periods it was theirs", "ブラウザと本人の結び付き（本人のものだった期間）"},
	"alias":                   {"another id the same browser used", "同じブラウザが使った別の ID"},
	"event":                   {"something done on the website, in a newsletter or offline (page views, downloads, forms, clicks, opens, events attended), with the browser, network and place it came from", "ウェブサイト・メールマガジン・オフラインでの行動（ページ閲覧、ダウンロード、フォーム送信、クリック、開封、イベント参加）と、その際のブラウザ・ネットワーク・地域"},
	"seen":                    {"where an event that named the email, and identified nobody, is kept", "メールアドレスを含むが誰にも結び付かなかった行動の保存場所"},
	"score":                   {"the person's score record: behaviour score, fit, grade, lifecycle stage, first and latest touches", "スコアの記録（行動スコア、適合度、グレード、ライフサイクルステージ、初回・最新の接点）"},
	"ledger":                  {"each change of the behaviour score, with the rule and the action behind it", "行動スコアの増減の明細（ルールと、その元になった行動）"},
	"stage":                   {"a change of lifecycle stage, and why", "ライフサイクルステージの変化とその理由"},
	"mql":                     {"a qualification as a marketing-qualified lead (MQL), with the condition met and the facts", "MQL（マーケティングが認めた見込み客）の判定と、その条件・根拠"},
	"mqlindex":                {"the MQL's entry in the list of MQLs (a copy of it)", "MQL 一覧の項目（MQL の写し）"},
	"feedback":                {"sales' verdict on an MQL (accepted, rejected, won, lost)", "MQL に対する営業の判断（受入、却下、受注、失注）"},
	"deal":                    {"a deal sales reported (amount, currency, close date)", "営業が報告した商談（金額、通貨、完了日）"},
	"kintone-change":          {"when kintone first showed another status for an MQL than Baton wrote (sales' response, for its time)", "kintone で MQL の対応状況が Baton の書き込みと異なる値になった最初の日時（営業の対応時刻を知るため）"},
	"sla":                     {"a missed deadline for sales to accept an MQL, once announced", "営業が MQL を受け入れる期限の超過（通知済み）"},
	"slaowner":                {"the sales rep a missed deadline named (the lead's owner in the sales system then), in the list the reports count reps' leads by", "期限超過の通知で名前を挙げた営業担当者（当時の営業システムでのリードの所有者）。レポートが担当者ごとにリードを数える一覧の項目"},
	"scored":                  {"the entry in the list of scored people (reports)", "スコア対象者一覧の項目（レポート用）"},
	"jobentry":                {"a place in the list of a rescore under way", "実行中の再スコアリングの対象者一覧での位置"},
	"delivery":                {"an MQL's hand-off to a sales system: where, when, what became of it; sent: the attributes handed over, each kept only as a short hash of its value (to tell at the next hand-off whether it changed)", "MQL の営業システムへの引き渡し（送り先、日時、結果）。sent は引き渡した属性で、値は短いハッシュ値としてのみ保存（次の引き渡しで変更の有無を判別するため）"},
	"mqldelivered":            {"when an MQL was first handed to a sales system, in the list of hand-offs by time (sales' time to answer runs from then)", "MQL を営業システムへ最初に引き渡した日時（引き渡し一覧の項目。営業の対応時間はここから数える）"},
	"external":                {"a sales system's record id that leads to the person", "本人に結び付く営業システム側のレコード ID"},
	"inbox":                   {"a lead in Baton's built-in inbox", "Baton の受信箱にあるリード"},
	"inboxmoved":              {"where a lead of Baton's built-in inbox moved when the person sent a form again (the lead's key in the inbox)", "再度のフォーム送信で Baton の受信箱のリードが移った先（受信箱でのリードのキー）"},
	"qmsg":                    {"an MQL waiting to be handed off (or given up)", "引き渡しを待つ（または断念した）MQL"},
	"qready":                  {"the place of an MQL waiting to be handed off", "引き渡し待ちの MQL の順番"},
	"qdead":                   {"an MQL whose hand-off was given up, listed for a retry", "引き渡しを断念し、再送を待つ MQL の一覧項目"},
	"qredacted":               {"an account's MQL waiting to be handed off, which names the person among colleagues", "同僚とともに本人の名が載る、引き渡し待ちのアカウント単位の MQL"},
	"click":                   {"a recent newsletter click, with whether it looked human; client: a short hash of the browser and network it came from (to tell one device's clicks from another's)", "最近のメールマガジンのクリック（人によるものかの判定つき）。client はクリック元のブラウザとネットワークの短いハッシュ値（端末を区別するため）"},
	"clickref":                {"where a newsletter click or open of the person is kept", "本人のメールマガジンのクリック・開封の保存場所"},
	"clickdue":                {"a newsletter click waiting to be judged human or a scanner", "人かスキャナーかの判定を待つクリック"},
	"recipient":               {"that the person's address was on a newsletter send's recipient lists (so that lists sharing people count them once); hash: the address as a hash keyed by the campaign, never the address itself; lists: how many of the send's lists had it", "メールマガジン配信の受信者リストに本人のメールアドレスが含まれていたこと（複数のリストに重複する人を 1 人として数えるため）。hash はキャンペーンごとの鍵によるメールアドレスのハッシュ値で、メールアドレスそのものは保存しません。lists はそれを含んでいた配信リストの数"},
	"campaignevent":           {"a newsletter click or open in the campaign's report; client: a short hash of the browser and network it came from", "キャンペーンのレポートにあるクリック・開封。client はクリック・開封元のブラウザとネットワークの短いハッシュ値"},
	"account":                 {"the person's place in their company's account", "所属する企業（アカウント）での本人の位置付け"},
	"accountkey":              {"a key that groups the person's company (its name or domain as the person gave it)", "企業をまとめるキー（本人が入力した企業名やドメイン）"},
	"accountmember":           {"the person's membership of an account", "アカウントへの所属"},
	"accountvisit":            {"a visit of the person's browser counted for a company before they were known", "本人と分かる前に、企業の訪問として数えたブラウザの訪問"},
	"mqa":                     {"an account-level qualification (MQA) that names the person among colleagues", "同僚とともに本人の名が載るアカウント単位の判定（MQA）"},
	"change":                  {"a change not yet read by scoring (a copy of one of the items above)", "スコアリングが未処理の変更（上の項目の写し）"},
	"sqs-deadletter":          {"an MQL whose hand-off was given up (AWS)", "引き渡しを断念した MQL（AWS）"},
	"repname":                 {"the email an SFA gave as the name of a sales rep (the owner of leads there), by which the reports name the rep's SFA id", "SFA が営業担当者（リードの所有者）の名前として返したメールアドレス（レポートで担当者の SFA の ID を名前で表示するため）"},
	"sqs-deadletter-redacted": {"an account's MQL whose hand-off was given up, which names the person among colleagues (AWS)", "同僚とともに本人の名が載る、引き渡しを断念したアカウント単位の MQL（AWS）"},
}

func aboutKind(kind, lang string) string {
	i := 0
	if lang == "ja" {
		i = 1
	}
	if a, ok := kindAbout[kind]; ok {
		return a[i]
	}
	return [2]string{"data kept about the person (" + kind + ")", "本人について保存しているデータ（" + kind + "）"}[i]
}
