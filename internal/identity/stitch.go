package identity

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/csvin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/textcut"
	"golang.org/x/text/unicode/norm"
)

// Stitcher links visitors to people and reads a person's timeline across
// all of their visitors.
type Stitcher struct {
	Dir        *Directory
	Log        *eventlog.Log
	FieldNames FieldNames // the site's own form field names (config: form_fields)
}

// Identification is one "this browser is this email" fact.
type Identification struct {
	Visitor  string
	Email    string // normalised
	Fields   map[string]string
	Labels   map[string]string // a form field's label by field name, for names that say nothing (text-123)
	At       time.Time         // when it happened (the identifying event's time)
	Strength Strength
	Source   string
	// User is the visitor id of the server API's user id the event names
	// ("u:<userId>"), if any. The user id is an account of the site's:
	// when it belongs to a person and the email is new to Baton, the
	// person's email changes (ChangeEmail) instead of a second person
	// being made of the account.
	User string
}

// ErrConsentWithdrawn: the email is of a person who withdrew consent, and
// the browser is not one of theirs: anyone can type an email into a form,
// and set the consent an event says (context.consent is the sender's), so
// neither says it is the person's newer choice.
var ErrConsentWithdrawn = errors.New("identity: the person withdrew consent")

// Identify creates or finds the person, records the attributes and links the
// visitor (and the other ids its browser sent) to the person. It is
// idempotent: repeating it changes nothing.
func (s *Stitcher) Identify(ctx context.Context, id Identification) (Person, LinkResult, error) {
	if id.Email == "" {
		p, err := s.updateUser(ctx, id)
		return p, LinkResult{}, err
	}
	known, custom := SplitLabelled(id.Fields, id.Labels, s.FieldNames)
	p, err := s.followUser(ctx, id.User, id.Email)
	if err != nil {
		return Person{}, LinkResult{}, err
	}
	created := false
	if p.ID == "" {
		// A new person is created with their attributes and user id: one
		// write, not two; as of the identifying event (when earlier than
		// now), as an offline list's are as of the touch: a form sent in a
		// batch days late is a lead of its own day (the stage history
		// and funnel date the lead by CreatedAt, and an MQL is never
		// dated before its lead).
		// No earlier than MaxLate: the time is the sender's (the public
		// collector takes any since 2000), and a lead of years back would
		// count in reports long closed.
		since := id.At
		if floor := s.Dir.now().Add(-MaxLate); since.Before(floor) {
			since = floor
		}
		if p, created, err = s.Dir.ensureAt(ctx, id.Email, id.Source, known, custom, id.User, since); err != nil {
			return Person{}, LinkResult{}, err
		}
	}
	if !created && !p.ConsentWithdrawn.IsZero() {
		// Only their own browser lifts a withdrawal: else a stranger
		// typing their email (consent "granted" is theirs to send too)
		// would undo it, link their browser to them and overwrite what
		// they gave.
		link, err := s.Dir.GetLink(ctx, id.Visitor)
		if err != nil {
			return Person{}, LinkResult{}, err
		}
		if cur, ok := link.Current(); !ok || cur.Person != p.ID {
			return p, LinkResult{}, ErrConsentWithdrawn
		}
	}
	if !created && len(known)+len(custom) > 0 {
		if p, _, err = s.Dir.Update(ctx, p.ID, known, custom); err != nil {
			return Person{}, LinkResult{}, err
		}
	}
	if id.User != "" && !slices.Contains(p.Users, id.User) {
		if err := s.Dir.AddUser(ctx, p.ID, id.User); err != nil {
			return Person{}, LinkResult{}, err
		}
	}
	res, err := s.Dir.LinkVisitor(ctx, id.Visitor, p.ID, id.At, id.Strength)
	if err != nil || res.Refused {
		return p, res, err
	}
	aliases, err := s.Log.Aliases(ctx, id.Visitor)
	if err != nil {
		return p, res, err
	}
	for _, a := range aliases {
		if _, err := s.Dir.LinkVisitor(ctx, a, p.ID, id.At, id.Strength); err != nil {
			return p, res, err
		}
	}
	return p, res, nil
}

// updateUser applies the attributes of an identification naming no email
// to the person its server user id (id.User) belongs to: Segment's
// identify(userId, traits) is how a backend updates a known user's
// profile (title, company ...), which fit rules read. A user id nobody has
// yet: nothing (Person{}), the event stays the user id's. The attributes
// are read as an email's identification reads them (SplitLabelled). A
// person who withdrew consent keeps what they had (ErrConsentWithdrawn);
// one being erased gets nothing (ErrErased), nor one erased (not found:
// Person{}). Nothing is linked: the user id is the person's already.
func (s *Stitcher) updateUser(ctx context.Context, id Identification) (Person, error) {
	if id.User == "" {
		return Person{}, errors.New("identity: an identification names neither an email nor a user id")
	}
	known, custom := SplitLabelled(id.Fields, id.Labels, s.FieldNames)
	if len(known)+len(custom) == 0 {
		return Person{}, nil
	}
	person, err := s.PersonOf(ctx, id.User)
	if err != nil || person == "" {
		return Person{}, err
	}
	p, _, err := s.Dir.update(ctx, person, known, custom, false, func(p Person) error {
		if !slices.Contains(p.Users, id.User) {
			return errNotTheirs
		}
		if !p.ConsentWithdrawn.IsZero() {
			return ErrConsentWithdrawn
		}
		if gone, err := s.Dir.Erased(ctx, p.Email); err != nil {
			return err
		} else if gone {
			return ErrErased
		}
		return nil
	})
	if errors.Is(err, ErrNotFound) || errors.Is(err, errNotTheirs) {
		return Person{}, nil // erased meanwhile, or the user id only joined a browser of theirs
	}
	return p, err
}

// errNotTheirs: the user id belongs to the person only through a browser
// of theirs it was joined to, never an identification naming their email.
var errNotTheirs = errors.New("identity: the user id is not the person's own")

// followUser gives the person a server user id belongs to the email the
// user id now comes with, when nobody has it (their email changed in the
// site's accounts). An email another person has is theirs: the user id
// moves to them, as a browser does (nobody is merged). A user id that is
// not the person's own account (Person.Users: only joined to a browser of
// theirs) changes nothing: the email finds or makes its own person. An
// erased email is ErrErased, as for Ensure. It returns the user id's
// person when the email is theirs now (Identify needs not look it up
// again), else Person{}.
func (s *Stitcher) followUser(ctx context.Context, user, email string) (Person, error) {
	if user == "" {
		return Person{}, nil
	}
	person, err := s.PersonOf(ctx, user)
	if err != nil || person == "" {
		return Person{}, err
	}
	p, changed, err := s.Dir.ChangeEmail(ctx, person, user, email)
	switch {
	case errors.Is(err, ErrEmailTaken) || errors.Is(err, ErrTooManyEmails) || errors.Is(err, ErrNotFound) || errors.Is(err, errNotTheirs):
		return Person{}, nil // Ensure finds or makes the email's person
	case err != nil || p.Email != email:
		return Person{}, err
	case !changed:
		// Theirs already: ChangeEmail read it without asking whether the
		// email is being erased, which Ensure would refuse.
		if gone, err := s.Dir.Erased(ctx, email); err != nil || gone {
			return Person{}, cmp.Or(err, ErrErased)
		}
	}
	return p, nil
}

// Timeline returns the person's events across their visitors, newest first:
// for each visitor only the events from the periods it belonged to the
// person. limit <= 0 returns all.
func (s *Stitcher) Timeline(ctx context.Context, person string, limit int) ([]event.Event, error) {
	heads, err := s.heads(ctx, person, true)
	if err != nil {
		return nil, err
	}
	if limit > 0 && len(heads) > limit {
		heads = heads[:limit]
	}
	return eventlog.DecodeHeads(heads)
}

// History is the person's whole timeline oldest first (what scoring
// replays).
func (s *Stitcher) History(ctx context.Context, person string) ([]event.Event, error) {
	heads, err := s.heads(ctx, person, false)
	if err != nil {
		return nil, err
	}
	return eventlog.DecodeHeads(heads)
}

// heads is the person's timeline as event heads, oldest or newest first:
// ordering, filtering by the browsers' periods and paging read each
// event's time and id, and only the events kept are decoded.
func (s *Stitcher) heads(ctx context.Context, person string, newest bool) ([]eventlog.Head, error) {
	visitors, err := s.Dir.Visitors(ctx, person)
	if err != nil {
		return nil, err
	}
	var out []eventlog.Head
	for _, v := range visitors {
		link, err := s.Dir.GetLink(ctx, v)
		if err != nil {
			return nil, err
		}
		hs, err := s.Log.Heads(ctx, v)
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			if link.PersonAt(h.At) == person {
				out = append(out, h)
			}
		}
	}
	eventlog.SortHeads(out, newest)
	return out, nil
}

// attributeNames maps the ways forms name a field (English and Japanese) to
// Baton's attribute names, which scoring rules refer to.
var attributeNames = map[string]string{
	"name": "name", "fullname": "name", "full_name": "name", "your-name": "name", "氏名": "name", "お名前": "name", "名前": "name",
	"firstname": "first_name", "first_name": "first_name", "first-name": "first_name", "fname": "first_name", "名": "first_name",
	"lastname": "last_name", "last_name": "last_name", "last-name": "last_name", "lname": "last_name", "姓": "last_name",
	// The name's reading (furigana), whole or its halves; the other ways
	// forms name it (フリガナ, 姓（カナ）, セイ, sei_kana) are read by reading.
	"name_kana": "name_kana", "last_name_kana": "last_name_kana", "first_name_kana": "first_name_kana",
	"company": "company", "company_name": "company", "companyname": "company", "organization": "company", "organisation": "company", "会社名": "company", "貴社名": "company", "企業名": "company", "御社名": "company",
	"title": "title", "job_title": "title", "jobtitle": "title", "position": "title", "役職": "title", "役職名": "title",
	"department": "department", "dept": "department", "部署": "department", "部署名": "department", "所属部署": "department",
	"phone": "phone", "tel": "phone", "telephone": "phone", "phone_number": "phone", "電話番号": "phone", "電話": "phone",
	"industry": "industry", "業種": "industry", "業界": "industry",
	"employees": "employees", "company_size": "employees", "employee_count": "employees", "num_employees": "employees", "従業員数": "employees", "社員数": "employees",
	"revenue": "revenue", "annual_revenue": "revenue", "売上高": "revenue", "年商": "revenue",
	"country": "country", "国": "country", "国名": "country",
	"state": "region", "region": "region", "prefecture": "region", "都道府県": "region",
	"city": "city", "市区町村": "city",
	"website": "website", "url": "website", "ウェブサイト": "website",
	"budget": "budget", "予算": "budget",
	"authority": "authority", "決裁権": "authority", "決裁者": "authority",
	"need": "need", "needs": "need", "課題": "need", "ニーズ": "need",
	"timeframe": "timeframe", "timeline": "timeframe", "導入時期": "timeframe", "検討時期": "timeframe",
	"message": "message", "comments": "message", "inquiry": "message", "お問い合わせ内容": "message", "ご質問": "message",
	// Form builders' own names. Contact Form 7:
	"your-company": "company", "your-organization": "company", "your-position": "title", "your-title": "title",
	"your-department": "department", "your-tel": "phone", "your-phone": "phone", "your-message": "message",
	"your-first-name": "first_name", "your-last-name": "last_name",
	// HubSpot forms (internal property names):
	"numemployees": "employees", "annualrevenue": "revenue", "address": "city",
	// Marketo forms (lower-cased):
	"numberofemployees": "employees", "annualrevenue__c": "revenue", "mainphone": "phone",
	// formrun / Japanese builders (romaji):
	"kaisha": "company", "kaishamei": "company", "yakushoku": "title", "busho": "department",
	// ... in the other romanisation (kaisya), and the rest of a Japanese
	// form: 姓/名 as sei/mei, 氏名 as shimei, phones, 都道府県 (pref: the
	// prefecture select), 従業員数, 業種, 予算, お問い合わせ内容.
	"kaisya": "company", "kaisyamei": "company", "yakusyoku": "title", "busyo": "department",
	"sei": "last_name", "mei": "first_name", "shimei": "name", "onamae": "name", "namae": "name",
	"denwa": "phone", "denwabango": "phone", "todofuken": "region", "pref": "region",
	"jugyoin": "employees", "jugyoinsu": "employees", "gyoshu": "industry", "gyosyu": "industry", "yosan": "budget",
	"naiyou": "message", "naiyo": "message", "otoiawase": "message",
	// Japanese labels used as names: 社名, 法人名, ホームページ.
	"社名": "company", "法人名": "company", "団体名": "company", "組織名": "company", "勤務先": "company",
	"ホームページ": "website", "homepage": "website",
	// A mobile's number (keitai, 携帯電話; HubSpot's and Marketo's
	// mobilephone), Salesforce's MobilePhone and HubSpot's mobilephone: the
	// phone too when the form asks no other (SplitLabelled).
	"mobile": "mobile", "mobile_phone": "mobile", "mobilephone": "mobile", "keitai": "mobile",
	"携帯": "mobile", "携帯電話": "mobile", "携帯電話番号": "mobile", "携帯番号": "mobile",
	// A business card's numbers by line, as card apps and address books
	// export them (Eight's TEL会社, TEL部門, TEL直通): the office's is the
	// phone, not the mobile's, and with only these the person had none.
	"tel会社": "phone", "tel部門": "phone", "tel直通": "phone", "tel代表": "phone",
	"会社電話": "phone", "会社電話番号": "phone", "勤務先電話番号": "phone", "代表電話": "phone", "代表電話番号": "phone", "直通電話": "phone", "直通電話番号": "phone",
	"電話番号(会社)": "phone", "電話番号(代表)": "phone", "電話番号(直通)": "phone",
}

// FieldNames maps a site's own form field names (a form builder's
// "text-123") to attribute names: the config file's form_fields, consulted
// before the built-in names.
type FieldNames map[string]string

// AttributeNames are Baton's attribute names (KnownAttribute's), sorted.
func AttributeNames() []string {
	var out []string
	for _, a := range attributeNames {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out
}

// KnownAttribute reports whether name is one of Baton's attribute names.
func KnownAttribute(name string) bool {
	for _, a := range attributeNames {
		if a == name {
			return true
		}
	}
	return false
}

// CheckFormFields checks the configuration file's form_fields (a form
// field's name to an attribute): the start-up's check, and the pre-deploy
// one's (infra/check). The first bad field in name order is the error.
func CheckFormFields(fields map[string]string) error {
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if v := fields[k]; !KnownAttribute(v) {
			return fmt.Errorf("form_fields: %s maps to %q, which is no attribute (name, company, title, employees ...)", k, v)
		}
	}
	return nil
}

// FieldAttribute is the attribute a form field or CSV column named name is
// stored as, when Baton's names give it one (従業員数 and Company are
// employees and company), read as SplitLabelled reads a field's name: a
// rule on such a name never meets a value, since none is stored under it.
func FieldAttribute(name string) (string, bool) {
	key := lastBracketed(csvin.Header(textcut.Controls(norm.NFKC.String(name))))
	if a, ok := spacedAttribute(key); ok {
		return a, true
	}
	// A reading of the name (フリガナ, sei_kana) is its reading's attribute.
	if a, _ := reading(key, func(head string) string { a, _ := spacedAttribute(head); return a }); a != "" {
		return a, true
	}
	return "", false
}

// SplitAttributes sorts submitted fields into known attributes and custom
// ones, dropping emails (fields named or labelled so, and any value that is
// an email address: the person key, or someone else's) and anything that
// looks like a secret, in case a page's form sent one despite the tag's
// filters.
func SplitAttributes(fields map[string]string, extra FieldNames) (known, custom map[string]string) {
	return SplitLabelled(fields, nil, extra)
}

// SplitLabelled is SplitAttributes for a form whose fields came with their
// labels: a field whose name names no attribute (MachineLike text-123, or a
// shorthand such as emp) and is not one of the site's form_fields takes the
// attribute its label names
// (LabelAttribute: 会社名 is company); a label naming an email or a secret
// drops the field, as its name would.
func SplitLabelled(fields, labels map[string]string, extra FieldNames) (known, custom map[string]string) {
	known, custom = map[string]string{}, map[string]string{}
	type field struct{ key, value string }
	var byLabel, byName map[string][]field
	// typed is each folded value as the person typed it: the inquiry
	// (message) is kept so (導入時期：来年4月, not 導入時期:来年4月, which
	// the inbox showed "as typed"); folding is for values matched and
	// scored.
	typed := map[string]string{}
	for raw, v := range fields {
		asTyped := v
		// Full-width letters and digits (ＣＥＯ, ３００名) are the
		// half-width ones, half-width katakana the full-width ones
		// (WidthFold); Japanese forms send both. The name wholly NFKC; the
		// value only so, as the person wrote it otherwise: NFKC made an
		// inquiry's ①価格 ②納期 "1価格 2納期" for sales.
		// Without control characters (JSON's \u0000): a name or company
		// holding one goes to the SFA and the pages as it is.
		k, v := textcut.Controls(norm.NFKC.String(raw)), strings.TrimSpace(textcut.Controls(WidthFold(v)))
		// Without a template's required mark (氏名（必須）, 役職※: a CSV's
		// column is read as its email column is, csvin.Header): the
		// attribute is the name's, not a custom "氏名(必須)".
		key := csvin.Header(k)
		if key == "" || v == "" || len(key) > 100 {
			continue
		}
		// The collector's list of secrets (event.SecretField), by name or
		// label, and card numbers, as the collector drops them from the
		// events it stores: a CSV's columns and an older event's fields
		// come here without it.
		label := labels[raw]
		// A name nested in brackets (Elementor's form_fields[company],
		// Rails' and Laravel's lead[job_title]) is the one in the last
		// brackets.
		inner := lastBracketed(key)
		if name, ok := sharedPhoneName(key); ok {
			inner = name // tel[]: a number's boxes, comma-joined
		}
		if event.SecretField(key) || event.SecretField(inner) || label != "" && event.SecretField(label) || event.IsEmailKey(key) || event.IsEmailKey(inner) || event.CardNumber(v) {
			continue
		}
		if r, ok := event.RedactCards(v); ok {
			v = r
		}
		v = textcut.Bytes(v, maxMessageBytes) // the others cut below, once known
		if v != asTyped {
			t := strings.TrimSpace(textcut.Controls(asTyped))
			if r, ok := event.RedactCards(t); ok {
				t = r
			}
			typed[v] = textcut.Bytes(t, maxMessageBytes)
		}
		if _, err := event.NormalizeEmail(v); err == nil {
			continue // an email whatever the field's name says: the person key, or someone else's address
		}
		if name, ok := extra[key]; ok {
			known[name] = v
			continue
		}
		if name, ok := spacedAttribute(inner); ok {
			if byName == nil {
				byName = map[string][]field{}
			}
			byName[name] = append(byName[name], field{k, v})
			continue
		}
		// A reading of the name (フリガナ, 姓（カナ）, sei_kana, セイ) is its
		// reading's attribute, never the name's; one of something else
		// (会社名（カナ）) stays custom, whatever its label says.
		if name, ok := reading(inner, func(head string) string { a, _ := spacedAttribute(head); return a }); ok {
			if name == "" {
				custom[k] = v
				continue
			}
			if byName == nil {
				byName = map[string][]field{}
			}
			byName[name] = append(byName[name], field{k, v})
			continue
		}
		// A column or field named for the whole name with the half it holds
		// beside it (氏名（姓）, お名前(名)) is that half.
		if name := namePart(inner, func(head string) string { a, _ := spacedAttribute(head); return a }); name != "" {
			if byName == nil {
				byName = map[string][]field{}
			}
			byName[name] = append(byName[name], field{k, v})
			continue
		}
		// A name no attribute has (text-123, or emp, kbn1: a builder's or a
		// developer's shorthand) is keyed by the label the visitor read;
		// only machine-like names were, and emp labelled 従業員数 stayed
		// custom, its fit points lost.
		if label != "" {
			switch name := LabelAttribute(label, extra); name {
			case "email":
				continue // the person key, sent as "email" too
			case "":
			default:
				if byLabel == nil {
					byLabel = map[string][]field{}
				}
				byLabel[name] = append(byLabel[name], field{k, v})
				continue
			}
		}
		custom[k] = v
	}
	// Of two fields named alike (company and kaisya), the first by name
	// (not map order; the site's own form_fields before both); a field
	// named for what it holds wins over one labelled so, and of two
	// labelled alike the first by name. The others stay custom: nothing
	// submitted is lost.
	for _, group := range []map[string][]field{byName, byLabel} {
		for name, fs := range group {
			sort.Slice(fs, func(i, j int) bool { return fs[i].key < fs[j].key })
			for i, f := range fs {
				if _, taken := known[name]; i == 0 && !taken {
					known[name] = f.value
				} else if phoneAttributes[name] {
					custom[f.key] = phoneValue(f.value) // another number, written as the phone is: the summary sales read gives it
				} else {
					custom[f.key] = f.value
				}
			}
		}
	}
	joinPhoneBoxes(known, custom, "phone")
	joinPhoneBoxes(known, custom, "mobile")
	// A mobile's number is the phone too when the form asks no other (an
	// office's, whole or in boxes, is sales' first call, and the phone
	// stays the office's): SFAs and rules that read only the phone have
	// a number to call.
	if _, taken := known["phone"]; !taken {
		if m, ok := known["mobile"]; ok {
			known["phone"] = m
		}
	}
	for a := range phoneAttributes {
		if p, ok := known[a]; ok {
			known[a] = phoneValue(p)
		}
	}
	if t, ok := typed[known["message"]]; ok {
		known["message"] = t
	}
	for k, v := range known {
		if singleLine[k] {
			// Without zero-width characters (山田\u200b太郎, pasted): an
			// SFA's duplicate rules and the account's company matched
			// another name than the one shown.
			if v = textcut.Line(textcut.ZeroWidth(v)); v == "" {
				delete(known, k) // nothing visible: no value (an earlier one stays)
				continue
			}
		}
		if k != "message" {
			v = textcut.Bytes(v, maxValueBytes)
		}
		known[k] = v
	}
	for k, v := range custom {
		custom[k] = textcut.Bytes(v, maxValueBytes)
	}
	return known, custom
}

// singleLine are the attributes a form asks on one line (an input, not a
// textarea), kept on one line (textcut.Line): a CSV cell's or a pasted
// value's line break ("新井\r\n 一郎") went to the SFA's LastName and
// the pages' titles. The others (message, need, budget, authority,
// timeframe: a form may ask them in a textarea) and custom fields keep
// their lines, as the person wrote them.
var singleLine = map[string]bool{
	"name": true, "first_name": true, "last_name": true, "name_kana": true, "first_name_kana": true, "last_name_kana": true, "company": true, "title": true, "department": true,
	"phone": true, "mobile": true, "industry": true, "employees": true, "revenue": true, "country": true, "region": true,
	"city": true, "website": true,
}

// A value is kept to maxValueBytes, but the inquiry (message) to
// maxMessageBytes: 2,000 characters of Japanese, as many as the tag sends
// of a field. Cut at 2,000 bytes, an inquiry lost its last two thirds
// (666 characters kept, the budget or deadline often at its end) before
// the SFA saw it. One attribute, so the person's item stays bounded.
const (
	maxValueBytes   = 2000
	maxMessageBytes = 6000
)

// WidthFold is s with its full-width ASCII, ideographic spaces and
// half-width katakana (the Halfwidth and Fullwidth Forms block, U+3000)
// in their NFKC forms (ＣＥＯ is CEO, ｶﾞ is ガ) and every other character
// as it is (①, ㈱, ™, which NFKC turns into 1, (株), TM).
func WidthFold(s string) string {
	wide := func(r rune) bool { return r == '\u3000' || r >= 0xFF00 && r <= 0xFFEF }
	if !strings.ContainsFunc(s, wide) {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexFunc(s, wide)
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		s = s[i:]
		j := strings.IndexFunc(s, func(r rune) bool { return !wide(r) })
		if j < 0 {
			j = len(s)
		}
		b.WriteString(norm.NFKC.String(s[:j]))
		s = s[j:]
	}
	return b.String()
}

// spacedAttribute is the attribute a field's name names, written as
// attributeNames has it or in words, as an English list's columns are
// (Company Name, Job Title, Phone Number: company_name, job_title ...).
func spacedAttribute(key string) (string, bool) {
	if name, ok := attributeNames[key]; ok || !strings.Contains(key, " ") {
		return name, ok
	}
	if name, ok := attributeNames[strings.ReplaceAll(key, " ", "_")]; ok {
		return name, true
	}
	name, ok := attributeNames[strings.ReplaceAll(key, " ", "")]
	return name, ok
}

// lastBracketed returns the name in the last brackets of a nested form
// field's name (form_fields[company] is company, a[b][c] is c), else the
// name itself.
func lastBracketed(key string) string {
	if rest, ok := strings.CutSuffix(key, "]"); ok {
		if i := strings.LastIndexByte(rest, '['); i > 0 && i < len(rest)-1 {
			return strings.TrimSpace(rest[i+1:])
		}
	}
	return key
}

// LinkPerson links a visitor to a known person by id (a tracked email click
// names the person, not an email). Weak links never move a browser away
// from a person a form identified.
func (s *Stitcher) LinkPerson(ctx context.Context, visitor, person string, at time.Time, st Strength) (LinkResult, error) {
	p, err := s.Dir.Get(ctx, person)
	if err != nil {
		return LinkResult{}, err
	}
	if gone, err := s.Dir.Erased(ctx, p.Email); err != nil {
		return LinkResult{}, err
	} else if gone {
		return LinkResult{}, ErrErased // being erased: link nothing to them
	}
	res, err := s.Dir.LinkVisitor(ctx, visitor, person, at, st)
	if err != nil || res.Refused {
		return res, err
	}
	aliases, err := s.Log.Aliases(ctx, visitor)
	if err != nil {
		return res, err
	}
	for _, a := range aliases {
		if _, err := s.Dir.LinkVisitor(ctx, a, person, at, st); err != nil {
			return res, err
		}
	}
	return res, nil
}

// PersonOf returns the person a visitor belongs to now ("" for nobody).
func (s *Stitcher) PersonOf(ctx context.Context, visitor string) (string, error) {
	l, err := s.Dir.GetLink(ctx, visitor)
	if err != nil {
		return "", err
	}
	cur, _ := l.Current()
	return cur.Person, nil
}

// UndoClickLink undoes a newsletter click's weak link of the visitor (and
// of the other ids its browser sent, which LinkPerson linked with it); see
// Directory.UndoClickLink.
func (s *Stitcher) UndoClickLink(ctx context.Context, visitor, person string) (bool, error) {
	changed, err := s.Dir.UndoClickLink(ctx, visitor, person)
	if err != nil || !changed {
		return changed, err
	}
	aliases, err := s.Log.Aliases(ctx, visitor)
	if err != nil {
		return changed, err
	}
	for _, a := range aliases {
		if _, err := s.Dir.UndoClickLink(ctx, a, person); err != nil {
			return changed, err
		}
	}
	return changed, nil
}
