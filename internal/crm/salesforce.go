// Package crm holds every connector the push worker delivers through:
// Salesforce, HubSpot and kintone, each over plain net/http against its
// documented REST API, and the signed webhook. Each upserts by a key the SFA
// enforces (external id, email; the webhook's id is the MQL's, receivers
// deduplicate on it), so delivering twice never creates twice, and
// classifies every failure for the push worker:
// permanent (dead-letter it with the reason) or transient (retry, after the
// SFA's Retry-After when it gives one).
package crm

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/clock"

	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
)

// Salesforce upserts the Lead by an external-id field and records a
// completed Task with the MQL reason, itself upserted by the MQL id.
type Salesforce struct {
	LoginURL string // https://login.salesforce.com, https://test.salesforce.com or https://<domain>.my.salesforce.com
	// TokenURL is the host of the OAuth token endpoint (default LoginURL):
	// the client-credentials flow needs the org's My Domain
	// (https://<domain>.my.salesforce.com); the generic login hosts refuse it.
	TokenURL string
	// JWTAudience is the aud of the JWT bearer assertion: always the generic
	// login host, https://login.salesforce.com (default), or
	// https://test.salesforce.com for a sandbox (the default when LoginURL is
	// test.salesforce.com), never the My Domain.
	JWTAudience   string
	ClientID      string
	ClientSecret  string // client-credentials flow
	Username      string // JWT bearer flow (with PrivateKeyPEM)
	PrivateKeyPEM string
	APIVersion    string // default v62.0
	LeadKey       string // external-id field on Lead holding the Baton person id, e.g. Baton_Person_Id__c
	TaskKey       string // external-id field on Task holding the MQL id, e.g. Baton_MQL_Id__c
	// AccountKey is the external-id field on Account holding Baton's
	// account id (e.g. Baton_Account_Id__c): an MQA finds the Account by it
	// (or creates it) and adds a Task (TaskKey: the MQA id). Empty: MQAs
	// are not sent here.
	AccountKey string
	Fields     map[string]string // Baton attribute -> Lead field, replacing the default field of that attribute ("": send none)
	// Picklists maps values per Lead field before sending (field -> Baton's
	// value -> the org's picklist value, e.g. LeadSource: {Baton: Web},
	// CountryCode: {日本: JP}); a value mapped to "" is not sent.
	Picklists map[string]map[string]string
	// MatchByEmail looks for the person in the org before creating a Lead:
	// a Contact with the email gets the Task; a Lead with the email but no
	// Baton id is adopted (the id set on it) instead of duplicated.
	MatchByEmail bool
	// DuplicateRuleHeader is sent as Sforce-Duplicate-Rule-Header on writes
	// (e.g. "allowSave=true"); empty: none, the org's duplicate rules apply.
	DuplicateRuleHeader string
	// LeadStatus is the Lead Status a lead sales sent back is set to when
	// it qualifies again (its second MQL on), so that sales see it open
	// again; "" the org's default Lead Status, the one a new Lead gets
	// (its LeadStatus marked IsDefault, read once). KeepLeadStatus leaves
	// the status as sales set it.
	LeadStatus     string
	KeepLeadStatus bool
	// NoRating sends no Rating: by default a Lead Baton creates gets
	// Rating by the lead's grade (A Hot, B Warm, else Cold); a Lead that
	// exists is never sent one.
	NoRating bool
	Client   *http.Client
	Now      func() time.Time

	mu            sync.Mutex
	token         string
	instance      string
	defaultStatus string            // the org's default Lead Status, once read
	taskPicks     map[string]string // Task Status/Priority the org has instead of the classic values, once refused
}

// Name implements push.Connector.
func (s *Salesforce) Name() string { return "salesforce" }

// Validate names the first missing setting.
func (s *Salesforce) Validate() error {
	switch {
	case s.LoginURL == "":
		return errors.New("salesforce: login_url is required")
	case s.ClientID == "":
		return errors.New("salesforce: client_id is required")
	case s.ClientSecret == "" && (s.Username == "" || s.PrivateKeyPEM == ""):
		return errors.New("salesforce: give client_secret (client credentials) or username and private key (JWT bearer)")
	case s.LeadKey == "" || s.TaskKey == "":
		return errors.New("salesforce: lead_key and task_key (external-id fields) are required")
	case s.ClientSecret != "" && genericLoginHost(s.tokenURL()):
		return fmt.Errorf("salesforce: the client-credentials flow needs the org's My Domain as token host, not %s: set token_url (or login_url) to https://<domain>.my.salesforce.com", s.tokenURL())
	}
	if a := s.JWTAudience; a != "" {
		if u, err := url.Parse(a); err != nil || u.Scheme != "https" || u.Host == "" || u.Path != "" && u.Path != "/" {
			return fmt.Errorf("salesforce: jwt_audience %q is not https://login.salesforce.com or https://test.salesforce.com", a)
		}
	}
	return nil
}

// genericLoginHost reports whether u is login.salesforce.com or
// test.salesforce.com.
func genericLoginHost(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	h := strings.ToLower(p.Hostname())
	return h == "login.salesforce.com" || h == "test.salesforce.com"
}

func (s *Salesforce) tokenURL() string {
	if s.TokenURL != "" {
		return strings.TrimSuffix(s.TokenURL, "/")
	}
	return strings.TrimSuffix(s.LoginURL, "/")
}

func (s *Salesforce) audience() string {
	if s.JWTAudience != "" {
		return strings.TrimSuffix(s.JWTAudience, "/")
	}
	if p, err := url.Parse(s.LoginURL); err == nil && strings.EqualFold(p.Hostname(), "test.salesforce.com") {
		return "https://test.salesforce.com"
	}
	return "https://login.salesforce.com"
}

func (s *Salesforce) client() *http.Client {
	return noRedirects(s.Client, 20*time.Second)
}

func (s *Salesforce) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return clock.Now()
}

// authenticate gets an access token by the configured OAuth 2.0 flow.
func (s *Salesforce) authenticate(ctx context.Context) (string, string, error) {
	form := url.Values{}
	if s.ClientSecret != "" {
		form.Set("grant_type", "client_credentials")
		form.Set("client_id", s.ClientID)
		form.Set("client_secret", s.ClientSecret)
	} else {
		assertion, err := s.jwt()
		if err != nil {
			return "", "", &push.Error{Connector: "salesforce", Code: "JWT", Message: err.Error(), Permanent: true}
		}
		form.Set("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
		form.Set("assertion", assertion)
	}
	req, _ := http.NewRequestWithContext(ctx, "POST", s.tokenURL()+"/services/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.client().Do(req)
	if err != nil {
		return "", "", &push.Error{Connector: "salesforce", Message: err.Error()}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return "", "", redirected("salesforce", resp)
	}
	if resp.StatusCode != 200 {
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		json.Unmarshal(body, &e)
		return "", "", &push.Error{Connector: "salesforce", Status: resp.StatusCode, Code: e.Error, Message: e.Description,
			Permanent: resp.StatusCode == 400 || resp.StatusCode == 401 || resp.StatusCode == 403}
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		InstanceURL string `json:"instance_url"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" || tok.InstanceURL == "" {
		return "", "", &push.Error{Connector: "salesforce", Status: 200, Message: "token response without access_token/instance_url"}
	}
	return tok.AccessToken, tok.InstanceURL, nil
}

// jwt builds the RS256 assertion of the JWT bearer flow.
func (s *Salesforce) jwt() (string, error) {
	block, _ := pem.Decode([]byte(s.PrivateKeyPEM))
	if block == nil {
		return "", errors.New("private key is not PEM")
	}
	var key *rsa.PrivateKey
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		var ok bool
		if key, ok = k.(*rsa.PrivateKey); !ok {
			return "", errors.New("private key is not RSA")
		}
	} else if key, err = x509.ParsePKCS1PrivateKey(block.Bytes); err != nil {
		return "", fmt.Errorf("private key: %v", err)
	}
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	claims, _ := json.Marshal(map[string]any{"iss": s.ClientID, "sub": s.Username, "aud": s.audience(), "exp": s.now().Add(3 * time.Minute).Unix()})
	signing := header + "." + enc.EncodeToString(claims)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return signing + "." + enc.EncodeToString(sig), nil
}

// call sends one REST request, authenticating first and refreshing the
// token once on INVALID_SESSION_ID.
func (s *Salesforce) call(ctx context.Context, method, path string, body any, hdr ...string) (int, []byte, http.Header, error) {
	for attempt := 0; ; attempt++ {
		s.mu.Lock()
		tok, inst := s.token, s.instance
		s.mu.Unlock()
		if tok == "" {
			var err error
			if tok, inst, err = s.authenticate(ctx); err != nil {
				return 0, nil, nil, err
			}
			s.mu.Lock()
			s.token, s.instance = tok, inst
			s.mu.Unlock()
		}
		var rd io.Reader // GET and DELETE carry no body
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(inst, "/")+path, rd)
		req.Header.Set("Authorization", "Bearer "+tok)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
			if s.DuplicateRuleHeader != "" {
				req.Header.Set("Sforce-Duplicate-Rule-Header", s.DuplicateRuleHeader)
			}
		}
		for i := 0; i+1 < len(hdr); i += 2 { // after: a call's own header wins over the configured one
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := s.client().Do(req)
		if err != nil {
			return 0, nil, nil, &push.Error{Connector: "salesforce", Message: err.Error()}
		}
		if resp.StatusCode >= 301 && resp.StatusCode < 400 {
			resp.Body.Close()
			return 0, nil, nil, redirected("salesforce", resp)
		}
		out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if resp.StatusCode == 401 && attempt == 0 {
			s.mu.Lock()
			s.token = "" // expired: authenticate again, once
			s.mu.Unlock()
			continue
		}
		return resp.StatusCode, out, resp.Header, nil
	}
}

// sfError reads Salesforce's error array.
func sfError(status int, body []byte, h http.Header, now time.Time) *push.Error {
	var errs []struct {
		Message   string   `json:"message"`
		ErrorCode string   `json:"errorCode"`
		Fields    []string `json:"fields"`
	}
	e := &push.Error{Connector: "salesforce", Status: status}
	if json.Unmarshal(body, &errs) == nil && len(errs) > 0 {
		// Every error Salesforce found (a validation rule and a missing
		// required field at once): ops fixes them all before a replay.
		// The code is the first's, which decides what happens next.
		e.Code = errs[0].ErrorCode
		msgs := make([]string, 0, len(errs))
		for i, x := range errs {
			m := x.Message
			if len(x.Fields) > 0 {
				m += " (" + strings.Join(x.Fields, ", ") + ")"
			}
			if i > 0 && x.ErrorCode != "" {
				m = x.ErrorCode + ": " + m
			}
			msgs = append(msgs, m)
		}
		e.Message = strings.Join(msgs, "; ")
	} else {
		e.Message = answerText(body)
	}
	switch {
	case status == 403 && e.Code == "REQUEST_LIMIT_EXCEEDED":
		e.RetryAfter = retryAfter(h, now)
		switch {
		case strings.HasPrefix(e.Message, "TotalRequests"):
			// The org's API allocation over the last 24 hours is spent: it
			// frees as calls of a day ago age out, so the delivery waits
			// (push.Error.Quota), looking again every half hour.
			e.Quota = true
			if e.RetryAfter == 0 {
				e.RetryAfter = 30 * time.Minute
			}
		case e.RetryAfter == 0:
			// Too many long-running requests at once (ConcurrentPerOrgLongTxn):
			// clears as they end.
			e.RetryAfter = time.Minute
		}
	case status == 300:
		e.Code, e.Permanent = "MULTIPLE_CHOICES", true
		e.Message = "several " + sfObjectOf(body) + " records share the external id: " + strings.TrimSpace(string(body))
	case status == 429 || status >= 500 || e.Code == "UNABLE_TO_LOCK_ROW":
		e.RetryAfter = retryAfter(h, now) // row locks clear when the other transaction ends
	default:
		e.Permanent = true // 400 DUPLICATES_DETECTED, REQUIRED_FIELD_MISSING, INVALID_FIELD, 401 after refresh, 403, 404
	}
	return e
}

// sfObjectOf names the sObject of a 300 answer (Multiple Choices: the
// records an upsert's external id matched, as URLs such as
// /services/data/v62.0/sobjects/Task/00T...): Lead, Task, Account.
func sfObjectOf(body []byte) string {
	var urls []string
	if json.Unmarshal(body, &urls) == nil && len(urls) > 0 {
		if _, rest, ok := strings.Cut(urls[0], "/sobjects/"); ok {
			if obj, _, _ := strings.Cut(rest, "/"); obj != "" {
				return obj
			}
		}
	}
	return "Salesforce"
}

// sfKeyHiddenPrefix begins Salesforce's 404 NOT_FOUND for a by-key URL
// (/sobjects/<object>/<field>/<value>) whose external-id field the org
// lacks or the integration user cannot see (field-level security):
// "Provided external ID field does not exist or is not accessible:
// <field>". A record missing under a field it can read is 404 NOT_FOUND
// "The requested resource does not exist".
const sfKeyHiddenPrefix = "provided external id field does not exist or is not accessible"

// sfKeyHidden reports whether a by-key lookup or upsert of value was
// answered that its external-id field is missing or hidden from the
// integration user, rather than that no record has the value: the
// records are there, Baton cannot reach them by the key. An answer in
// those words naming the value itself (as Salesforce words a record id it
// cannot find) is a record missing.
func sfKeyHidden(status int, body []byte, value string) bool {
	if status != 404 {
		return false
	}
	var es []struct {
		ErrorCode string `json:"errorCode"`
		Message   string `json:"message"`
	}
	if json.Unmarshal(body, &es) != nil || len(es) == 0 || !strings.EqualFold(es[0].ErrorCode, "NOT_FOUND") {
		return false
	}
	msg := strings.TrimSpace(es[0].Message)
	if len(msg) < len(sfKeyHiddenPrefix) || !strings.EqualFold(msg[:len(sfKeyHiddenPrefix)], sfKeyHiddenPrefix) {
		return false
	}
	named := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(msg[len(sfKeyHiddenPrefix):]), ":"))
	return value == "" || named != value
}

// keyError is the failure of a call by the external id value of field on
// object (a by-key URL): sfError's, saying so when Salesforce answered
// that the field is missing or hidden from the integration user
// (sfKeyHidden), which no retry mends until the field or its field-level
// security is set.
func keyError(object, field, value string, status int, body []byte, h http.Header, now time.Time) *push.Error {
	e := sfError(status, body, h, now)
	if sfKeyHidden(status, body, value) {
		e.Code, e.Permanent = "NOT_FOUND", true
		e.Message = fmt.Sprintf("the external-id field %s does not exist or is not visible to the integration user (check the field and its field-level security): %s", object+"."+field, e.Message)
	}
	return e
}

// sfDefaults are the Lead's standard fields the attributes go to, unless
// Fields says otherwise. A name's reading (last_name_kana ...) has none:
// Lead has no standard field for it (Fields maps it to the org's own).
// Nor has the mobile, though Lead has MobilePhone: every delivery reads
// the mapped fields back, and an integration user set up before Baton
// knew mobiles, without access to MobilePhone, would have had every
// delivery refused (INVALID_FIELD) after an upgrade; fields: {mobile:
// MobilePhone} sends it, and until then the summary carries it.
var sfDefaults = map[string]string{
	"first_name": "FirstName", "last_name": "LastName", "company": "Company", "title": "Title", "phone": "Phone",
	"industry": "Industry", "country": "Country", "city": "City", "region": "State", "website": "Website",
}

func (s *Salesforce) base() string {
	v := s.APIVersion
	if v == "" {
		v = "v62.0"
	}
	return "/services/data/" + v
}

// sfLengths are the lengths of the Lead's standard text fields: Salesforce
// refuses a longer value (STRING_TOO_LONG) instead of cutting it, which
// would dead-letter the MQL.
var sfLengths = map[string]int{
	"FirstName": 40, "LastName": 80, "Company": 255, "Title": 128, "Email": 80, "Phone": 40, "MobilePhone": 40,
	"City": 40, "State": 80, "Country": 80, "PostalCode": 20, "Street": 255, "Website": 255, "Industry": 255, "LeadSource": 255, "Description": 32000,
}

// Task fields' lengths.
const (
	sfSubjectLen     = 255
	sfDescriptionLen = 32000
)

// fit cuts v to max characters as Salesforce counts them (UTF-16 units, as
// Java does), on a character: never inside a UTF-8 sequence or a surrogate
// pair. It reports whether it cut.
func fit(v string, max int) (string, bool) {
	n := 0
	for i, r := range v {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		if n+w > max {
			return v[:i], true
		}
		n += w
	}
	return v, false
}

// leadFields maps the lead's attributes to Lead fields; create says
// whether they create the Lead: only then do the required LastName and
// Company get stand-ins when unknown, and LeadSource (Baton) and Rating
// (by grade, unless NoRating) go with them. A Lead that is there keeps
// its LeadSource and Rating as sales set them (a rep's Hot is not made
// Cold by a grade-C MQL); the grade is in the Task all the same.
// Values cut to the fields' lengths, or left off (an email Salesforce
// refuses), are returned in cut ("Field (why): full value") for the Task,
// so sales still read them whole.
func (s *Salesforce) leadFields(l push.Lead, create bool) (lead map[string]any, cut []string) {
	w := notesIn(l.Lang).on(l.Sites)
	lead = map[string]any{"Email": l.Email}
	if create {
		lead["LeadSource"] = "Baton"
		if !s.NoRating {
			lead["Rating"] = ratingFor(l.Grade)
		}
	}
	mapping := s.mapping()
	// A record that is there (no stand-ins wanted) keeps the fields of the
	// attributes it was last sent as they are: sales may have corrected them
	// (push.Lead.Unchanged).
	keep := func(attr string) bool { return !create && l.Unchanged[attr] }
	for _, attr := range s.writeOrder(mapping) {
		// Salesforce trims values: a blank one ("　") is no value, and a
		// required field given only that is missing.
		if val := strings.TrimSpace(l.Attributes[attr]); val != "" && !keep(attr) {
			lead[mapping[attr]] = val
		}
	}
	if !sfTakesEmail(l.Email) {
		delete(lead, "Email")
		cut = append(cut, fmt.Sprintf(w.badMail, w.field("Email", "email"), l.Email))
	}
	if lead["LastName"] == nil && !(keep("last_name") || keep("name") && (keep("first_name") || l.Attributes["first_name"] == "")) { // required whatever last_name is mapped to
		if name := strings.TrimSpace(l.Attributes["name"]); name != "" && mapping["last_name"] == "LastName" {
			// Only a full name ("山田 太郎", "Taro Yamada"): it stays whole in
			// LastName, less the first name when the form gave that too.
			lead["LastName"] = withoutFirstName(name, strings.TrimSpace(l.Attributes["first_name"]))
		} else if create { // required by Salesforce
			lead["LastName"] = w.notProvided
			if local := strings.TrimSpace(strings.SplitN(l.Email, "@", 2)[0]); local != "" {
				lead["LastName"] = local
			}
		}
	}
	if lead["Company"] == nil && create {
		lead["Company"] = w.notProvided
	}
	for field, values := range s.Picklists {
		v, ok := lead[field].(string)
		if !ok {
			continue
		}
		mapped, found := values[v]
		if !found {
			for from, to := range values {
				if strings.EqualFold(from, v) {
					mapped, found = to, true
				}
			}
		}
		switch {
		case found && mapped == "":
			delete(lead, field)
		case found:
			lead[field] = mapped
		}
	}
	attrOf := map[string]string{"LastName": "last_name", "Company": "company"} // the attribute each field is written from, for the notes
	for attr, field := range mapping {
		attrOf[field] = attr
	}
	for field, max := range sfLengths {
		v, ok := lead[field].(string)
		if !ok {
			continue
		}
		if short, was := fit(v, max); was {
			lead[field] = short
			cut = append(cut, fmt.Sprintf(w.cut, w.field(field, attrOf[field]), max, w.text(v)))
		}
	}
	slices.Sort(cut)
	return lead, cut
}

// mapping is the Lead field of each attribute: the defaults and Fields.
func (s *Salesforce) mapping() map[string]string {
	mapping := maps.Clone(sfDefaults)
	for attr, field := range s.Fields {
		if field == "" {
			delete(mapping, attr) // a default dropped, e.g. Country with State and Country picklists
		} else {
			mapping[attr] = field
		}
	}
	return mapping
}

// writeOrder is the order the attributes of mapping are written in: the
// defaults', then those Fields maps, each by name. Of two attributes with
// values mapped to one field ({mobile: Phone} beside the default phone
// -> Phone), the one Fields maps is written last, so it is the field's
// every time: map order chose.
func (s *Salesforce) writeOrder(mapping map[string]string) []string {
	attrs := slices.Collect(maps.Keys(mapping))
	slices.SortFunc(attrs, func(a, b string) int {
		_, ma := s.Fields[a]
		_, mb := s.Fields[b]
		switch {
		case ma == mb:
			return strings.Compare(a, b)
		case mb:
			return -1
		}
		return 1
	})
	return attrs
}

// personFields are the Lead fields the lead's attributes are written to,
// each once (SOQL refuses a field selected twice), sorted.
func (s *Salesforce) personFields() []string {
	var out []string
	for _, f := range s.mapping() {
		// Salesforce's field names are case-insensitive (phone is Phone),
		// and a query selecting one twice is refused.
		if !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, f) }) {
			out = append(out, f)
		}
	}
	if !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, "LastName") }) {
		out = append(out, "LastName") // a full name's, whatever last_name is mapped to
	}
	slices.Sort(out)
	return out
}

// salesKept takes out of fields, an update of the Lead cur (its fields as
// Salesforce holds them now), the values of the fields sales wrote since
// notProvided reports whether v is what Baton writes in a required field
// it has no value for (notes.notProvided), in either language: a team
// that changed its language has the other's on older records.
func notProvided(v string) bool {
	v = strings.TrimSpace(v)
	return v == notesEN.notProvided || v == notesJA.notProvided
}

// sfStandIn reports whether now, the Lead's field as it is, is the stand-in
// Baton wrote there for a value the person had not given (notProvided, or
// a LastName of their email's local part): Baton's, not sales'. The
// person's next MQL giving the company left "[not provided]" on the Lead,
// kept as if sales had typed it, the company beside it in the Task.
func sfStandIn(l push.Lead, field, now string) bool {
	now = strings.TrimSpace(now)
	switch field {
	case "Company":
		return notProvided(now)
	case "LastName":
		local, _, _ := strings.Cut(l.Email, "@")
		return notProvided(now) || now != "" && now == strings.TrimSpace(local)
	}
	return false
}

// Baton did (push.Lead.SalesOwn), and returns a line for the Task for
// each: the person's new value, which sales decide on.
func (s *Salesforce) salesKept(l push.Lead, fields, cur map[string]any) (kept []string) {
	attrOf := map[string]string{}
	mapping := s.mapping()
	for _, attr := range s.writeOrder(mapping) { // the attribute whose value leadFields wrote
		if strings.TrimSpace(l.Attributes[attr]) != "" {
			attrOf[mapping[attr]] = attr
		}
	}
	if _, ok := attrOf["LastName"]; !ok {
		attrOf["LastName"] = "name" // a full name's (leadFields)
	}
	for field, attr := range attrOf {
		want, ok := fields[field].(string)
		if !ok {
			continue
		}
		if now := sfText(fieldOf(cur, field)); l.SalesOwn(attr, now, want) && !sfStandIn(l, field, now) {
			delete(fields, field)
			kept = append(kept, fmt.Sprintf(notesIn(l.Lang).kept, notesIn(l.Lang).field(field, attr), strings.TrimSpace(now), notesIn(l.Lang).on(l.Sites).text(want)))
		}
	}
	slices.Sort(kept)
	return kept
}

// fieldOf is the value of field in a record Salesforce answered, which
// names it as the org spells it (Phone for a mapping's phone).
func fieldOf(rec map[string]any, field string) any {
	if v, ok := rec[field]; ok {
		return v
	}
	for k, v := range rec {
		if strings.EqualFold(k, field) {
			return v
		}
	}
	return nil
}

// sfText is a field's value as read from Salesforce (JSON), as text: a
// number field (NumberOfEmployees, a custom one) and a checkbox come as
// JSON numbers and booleans, which read as an empty field had their
// values, sales' own, written over.
func sfText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

// sfEmail is what Salesforce's Email field takes: an ASCII local part
// (not RFC 6532's UTF-8) at an ASCII host name (not an IDN), at most 80
// characters; it refuses anything else with INVALID_EMAIL_ADDRESS.
var sfEmail = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+/=?^_` + "`" + `{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$`)

// sfTakesEmail reports whether Salesforce takes email (empty: nothing to refuse).
func sfTakesEmail(email string) bool {
	return email == "" || len(email) <= sfLengths["Email"] && sfEmail.MatchString(email)
}

// taskDescription is the Task's text: the summary, then what was cut from
// the Lead's fields with its full value; the summary is what gives way
// when it is all longer than the field, and says so.
func taskDescription(summary string, cut []string, w notes, head string) string {
	tail := ""
	if len(cut) > 0 {
		tail = head + strings.Join(cut, "\n") + "\n"
	}
	more := w.sfMore
	tail, _ = fit(tail, sfDescriptionLen/2) // why it qualified keeps room
	room := sfDescriptionLen - utf16Len(tail)
	if _, was := fit(summary, room); was {
		short, _ := fit(summary, room-utf16Len(more))
		summary = short + more
	}
	return summary + tail
}

// withoutFirstName removes the first name from a full name when it is one
// of its words: "山田 太郎" less "太郎" is "山田"; or, written without a
// space in Japanese (family name first), when it ends it: "山田太郎" less
// "太郎" is "山田" too. Latin names run together are left whole.
func withoutFirstName(full, first string) string {
	words := strings.Fields(full)
	if first == "" {
		return full
	}
	if len(words) < 2 {
		if rest, ok := strings.CutSuffix(full, first); ok && rest != "" && japanese(full) {
			return rest
		}
		return full
	}
	for i, w := range words {
		if w == first {
			return strings.Join(append(words[:i:i], words[i+1:]...), " ")
		}
	}
	return full
}

// japanese reports whether s is written in kanji or kana.
func japanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			return true
		}
	}
	return false
}

// converted is what a converted Lead became.
type converted struct {
	LeadID, ContactID, OpportunityID string
}

// conversion reads whether the person's Lead was converted, and into what.
func (s *Salesforce) conversion(ctx context.Context, personID string, now time.Time) (converted, bool, error) {
	status, body, h, err := s.call(ctx, "GET", s.base()+"/sobjects/Lead/"+s.LeadKey+"/"+url.PathEscape(personID)+"?fields=Id,IsConverted,ConvertedContactId,ConvertedOpportunityId", nil)
	if err != nil {
		return converted{}, false, err
	}
	if status != 200 {
		return converted{}, false, keyError("Lead", s.LeadKey, personID, status, body, h, now)
	}
	var r struct {
		Id                     string
		IsConverted            bool
		ConvertedContactId     string
		ConvertedOpportunityId string
	}
	json.Unmarshal(body, &r)
	return converted{r.Id, r.ConvertedContactId, r.ConvertedOpportunityId}, r.IsConverted, nil
}

// noReassign keeps the org's assignment rules from running on an update:
// Salesforce runs them on every write of a Lead, an Account or a Case
// without this header ("If the header is not provided in the request, the
// default value is TRUE": Assignment Rule Header), and a later MQL or a
// retry moved the Lead away from the rep who owns it, an MQA the Account
// (territory rules) from its owner. A record Baton creates is assigned by
// them as any.
var noReassign = []string{"Sforce-Auto-Assign", "FALSE"}

// leadNow reads the person's Lead (by Baton's id): its fields the lead's
// attributes go to (personFields); nil when there is none.
func (s *Salesforce) leadNow(ctx context.Context, personID string, now time.Time) (map[string]any, error) {
	status, body, h, err := s.call(ctx, "GET", s.base()+"/sobjects/Lead/"+s.LeadKey+"/"+url.PathEscape(personID)+"?fields=Id,"+strings.Join(s.personFields(), ","), nil)
	switch {
	case err != nil:
		return nil, err
	case status == 200:
		rec := map[string]any{}
		if err := json.Unmarshal(body, &rec); err != nil {
			return nil, &push.Error{Connector: "salesforce", Status: status, Message: "reading the Lead: " + err.Error()}
		}
		return rec, nil
	case status == 404 && !sfKeyHidden(status, body, personID):
		return nil, nil
	}
	return nil, keyError("Lead", s.LeadKey, personID, status, body, h, now)
}

func soqlString(v string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}

// query runs a SOQL query and returns its records.
func (s *Salesforce) query(ctx context.Context, q string, now time.Time) ([]map[string]any, error) {
	status, body, h, err := s.call(ctx, "GET", s.base()+"/query?q="+url.QueryEscape(q), nil)
	if err != nil {
		return nil, err
	}
	if status != 200 {
		return nil, sfError(status, body, h, now)
	}
	var r struct {
		Records []map[string]any `json:"records"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, &push.Error{Connector: "salesforce", Status: status, Message: "query answer: " + err.Error()}
	}
	return r.Records, nil
}

// match is who the Task goes on when the org already knows the email.
type match struct {
	own       *converted // the person's own Lead, converted
	ours      bool       // the person's own Lead, not converted: it exists
	adopt     string     // a Lead without Baton's id to set it on
	contactID string
	lead      map[string]any // ours or adopt as it is: its personFields
}

func (s *Salesforce) match(ctx context.Context, l push.Lead, now time.Time) (match, error) {
	sel := []string{"Id", "IsConverted", "ConvertedContactId", "ConvertedOpportunityId", s.LeadKey}
	for _, f := range s.personFields() {
		if !slices.Contains(sel, f) {
			sel = append(sel, f)
		}
	}
	leads, err := s.query(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM Lead WHERE Email = "+soqlString(l.Email)+" LIMIT 20", now)
	if err != nil {
		return match{}, err
	}
	str := func(r map[string]any, f string) string { v, _ := r[f].(string); return v }
	adopt := ""
	var adopted map[string]any
	for _, r := range leads {
		isConv, _ := r["IsConverted"].(bool)
		switch key := str(r, s.LeadKey); {
		case key == l.PersonID && isConv:
			return match{own: &converted{str(r, "Id"), str(r, "ConvertedContactId"), str(r, "ConvertedOpportunityId")}}, nil
		case key == l.PersonID:
			return match{ours: true, lead: r}, nil // upserted as usual, as an existing Lead
		case key == "" && !isConv && adopt == "":
			adopt, adopted = str(r, "Id"), r
		}
	}
	if adopt != "" {
		return match{adopt: adopt, lead: adopted}, nil
	}
	contacts, err := s.query(ctx, "SELECT Id FROM Contact WHERE Email = "+soqlString(l.Email)+" LIMIT 1", now)
	if err != nil {
		return match{}, err
	}
	if len(contacts) > 0 {
		return match{contactID: str(contacts[0], "Id")}, nil
	}
	return match{}, nil
}

// Push implements push.Connector: the Lead (upserted by Baton's person id,
// or an existing one matched by email), then the Task on it, or on the
// Contact (and Opportunity) a converted Lead became.
func (s *Salesforce) Push(ctx context.Context, l push.Lead) (string, error) {
	now := s.now()
	var m match
	if s.MatchByEmail && l.Email != "" && sfTakesEmail(l.Email) { // no record has an address Salesforce refuses
		var err error
		if m, err = s.match(ctx, l, now); err != nil {
			return "", err
		}
	}
	var leadID, who, what string
	var cut []string
	reopen, err := s.reopenStatus(ctx, l, now)
	if err != nil {
		return "", err
	}
	switch {
	case m.own != nil:
		leadID, who, what = m.own.LeadID, m.own.ContactID, m.own.OpportunityID
	case m.adopt != "":
		var fields map[string]any
		fields, cut = s.leadFields(l, false) // where the Lead came from and its Rating stay as sales set them
		cut = append(cut, s.salesKept(l, fields, m.lead)...)
		fields[s.LeadKey] = l.PersonID
		if reopen != "" {
			fields["Status"] = reopen
		}
		for try := 0; ; try++ {
			status, body, h, err := s.call(ctx, "PATCH", s.base()+"/sobjects/Lead/"+url.PathEscape(m.adopt), fields, noReassign...)
			if err != nil {
				return "", err
			}
			if status == 204 || status == 200 {
				break
			}
			pe := sfError(status, body, h, now)
			if d := editRefused(pe, body); d != nil {
				// The org's duplicate rule judges edits too (its Action On
				// Edit) and refused this one: which of the fields made the
				// Lead a duplicate it does not say. The MQL still goes on
				// the Lead found by the email, left as sales keep it (Baton's
				// id not set on it either: the next MQL finds it by the
				// email again), and the Task says why.
				cut = append(cut, d.editNote(notesIn(l.Lang)))
				reopen = ""
				if err := d.record(ctx); err != nil {
					return "", err
				}
				break
			}
			if r := refused(pe, body); r != nil && try < 3 && r.refit(fields, &cut, notesIn(l.Lang).on(l.Sites)) {
				continue
			}
			return "", pe
		}
		leadID, who = m.adopt, m.adopt
	case m.contactID != "":
		leadID, who = m.contactID, m.contactID
	default:
		// An existing Lead (a later MQL of the person, a retry) is
		// updated with what the lead knows: never the stand-ins for a
		// missing LastName and Company nor LeadSource and Rating, which
		// would write over what sales set there since, nor by the org's assignment
		// rules, which would take it from the rep working it.
		cur := m.lead
		if !m.ours {
			if cur, err = s.leadNow(ctx, l.PersonID, now); err != nil {
				return "", err
			}
		}
		existing := cur != nil
		var fields map[string]any
		fields, cut = s.leadFields(l, !existing)
		if existing {
			cut = append(cut, s.salesKept(l, fields, cur)...)
		}
		if reopen != "" {
			fields["Status"] = reopen
		}
		for try := 0; ; try++ {
			if leadID, who, what, err = s.upsertLead(ctx, l, fields, existing, now); err == nil {
				break
			}
			var dup *duplicate
			var ref *refusal
			switch {
			case errors.As(err, &dup) && existing:
				// The org's duplicate rule judges edits too (its Action On
				// Edit) and refused the update of the person's own Lead,
				// naming the records it would duplicate. Salesforce does
				// not say which of the fields did it, so there is no
				// update to send instead: the Task goes on the person's
				// own Lead all the same, left as it was (never on a record
				// it matched, which is someone else's or a duplicate sales
				// keep), and says why; the delivery keeps the refusal.
				own, _ := cur["Id"].(string)
				if own == "" {
					return "", dup.pe
				}
				leadID, who = own, own
				cut = append(cut, dup.editNote(notesIn(l.Lang)))
				reopen = "" // the Status was not set either
				if err := dup.record(ctx); err != nil {
					return "", err
				}
			case errors.As(err, &dup):
				// The org's duplicate rule keeps the Lead from being created:
				// the Task goes on the record it matched, as sales keep it,
				// when that record is this person (their email). A rule
				// matching by name and company can name another person of
				// the same name there: the MQL is not theirs.
				same, err := s.samePerson(ctx, dup, l.Email, now)
				if err != nil {
					return "", err
				}
				if same == "" {
					return "", dup.refusal()
				}
				leadID, who = same, same
				cut = append(cut, fmt.Sprintf(notesIn(l.Lang).dupRule, dup.rule))
			case errors.As(err, &ref) && try < 3 && ref.refit(fields, &cut, notesIn(l.Lang).on(l.Sites)):
				continue // what Baton could not know ahead: the org's own lengths, its email check
			default:
				return "", err
			}
			break
		}
	}
	if err := reopened(ctx, "salesforce", reopen); err != nil {
		return "", err
	}
	subject, _ := fit(l.Subject(), sfSubjectLen) // the description has the condition whole
	task := map[string]any{
		"WhoId": who, "Subject": subject, "Description": taskDescription(l.Summary(), cut, notesIn(l.Lang), notesIn(l.Lang).sfHead),
		"Status": "Completed", "Priority": "High", "ActivityDate": l.QualifiedAt.Format("2006-01-02"),
	}
	if what != "" {
		task["WhatId"] = what
	}
	if _, err := s.upsertTask(ctx, l.MQLID, task, now); err != nil {
		return "", err
	}
	return leadID, nil
}

// PushActivity implements push.ActivityConnector: a form the person sent
// after their MQL, as an open Task (the org's default Task Status: a
// to-do for the rep, where the MQL's is completed), upserted by TaskKey =
// the activity's id, on the record the MQL's Task went on (its WhoId and
// WhatId, read by the MQL's id; the MQL's Lead when that Task is gone).
// A Lead converted since is no Task's WhoId (Salesforce refuses it): the
// Task goes on the Contact (and Opportunity) it became.
func (s *Salesforce) PushActivity(ctx context.Context, a push.FormActivity) (string, error) {
	now := s.now()
	status, body, h, err := s.call(ctx, "GET", s.base()+"/sobjects/Task/"+s.TaskKey+"/"+url.PathEscape(a.MQLID)+"?fields=Id,WhoId,WhatId", nil)
	if err != nil {
		return "", err
	}
	var ref struct{ WhoId, WhatId string }
	switch {
	case status == 200:
		json.Unmarshal(body, &ref)
	case status == 404 && !sfKeyHidden(status, body, a.MQLID):
		ref.WhoId = a.MQLExternalID
	default:
		return "", keyError("Task", s.TaskKey, a.MQLID, status, body, h, now)
	}
	if strings.HasPrefix(ref.WhoId, "00Q") { // a Lead: converted since?
		status, body, h, err := s.call(ctx, "GET", s.base()+"/sobjects/Lead/"+url.PathEscape(ref.WhoId)+"?fields=Id,IsConverted,ConvertedContactId,ConvertedOpportunityId", nil)
		if err != nil {
			return "", err
		}
		if status != 200 && status != 404 {
			return "", sfError(status, body, h, now)
		}
		var l struct {
			IsConverted                                bool
			ConvertedContactId, ConvertedOpportunityId string
		}
		json.Unmarshal(body, &l)
		if l.IsConverted && l.ConvertedContactId != "" {
			ref.WhoId = l.ConvertedContactId
			if l.ConvertedOpportunityId != "" {
				ref.WhatId = l.ConvertedOpportunityId
			}
		}
	}
	subject, _ := fit(a.Subject(), sfSubjectLen)
	desc, _ := fit(a.Summary(), sfDescriptionLen)
	task := map[string]any{"Subject": subject, "Description": desc, "Priority": "High", "ActivityDate": a.At.Format("2006-01-02")}
	if ref.WhoId != "" {
		task["WhoId"] = ref.WhoId
	}
	if ref.WhatId != "" {
		task["WhatId"] = ref.WhatId
	}
	return s.upsertTask(ctx, a.ID, task, now)
}

// FindPerson implements push.ActivityFinder, for a form sent after an
// MQL whose delivery here was never recorded (Salesforce configured since,
// or the MQL predates delivery records): the person's Lead by Baton's id
// (LeadKey), else, by their email, a Lead of theirs converted (the
// Contact it became), one without Baton's id, or a Contact. PushActivity
// still puts the Task where the MQL's Task is, when there is one.
func (s *Salesforce) FindPerson(ctx context.Context, a push.FormActivity) (string, bool, error) {
	now := s.now()
	lead, err := s.leadNow(ctx, a.PersonID, now)
	if err != nil {
		return "", false, err
	}
	if id, _ := lead["Id"].(string); id != "" {
		return id, true, nil // converted: PushActivity goes on to its Contact
	}
	if !sfTakesEmail(a.Email) {
		return "", false, nil
	}
	m, err := s.match(ctx, push.Lead{PersonID: a.PersonID, Email: a.Email}, now)
	switch {
	case err != nil:
		return "", false, err
	case m.own != nil && m.own.ContactID != "":
		return m.own.ContactID, true, nil
	case m.own != nil:
		return m.own.LeadID, true, nil
	case m.adopt != "":
		return m.adopt, true, nil
	case m.contactID != "":
		return m.contactID, true, nil
	}
	return "", false, nil
}

// reopenStatus is the Lead Status the lead's Lead is set to ("": none is
// sent): on a lead that qualifies again (a second MQL on, after sales sent
// it back), the configured LeadStatus or else the org's default one, what
// a new Lead gets; on a first MQL none (a new Lead gets the default
// itself, a Lead sales already work keeps theirs).
// A retry of the MQL whose Lead already got it (its Task failed, say)
// sends none: sales may have taken the lead up since.
func (s *Salesforce) reopenStatus(ctx context.Context, l push.Lead, now time.Time) (string, error) {
	if l.Cycle < 2 || s.KeepLeadStatus || push.ProgressFrom(ctx).Step(reopenedStep) != "" {
		return "", nil
	}
	if s.LeadStatus != "" {
		return s.LeadStatus, nil
	}
	s.mu.Lock()
	def := s.defaultStatus
	s.mu.Unlock()
	if def != "" {
		return def, nil
	}
	recs, err := s.query(ctx, "SELECT ApiName FROM LeadStatus WHERE IsDefault = true LIMIT 1", now)
	var pe *push.Error
	if errors.As(err, &pe) && pe.Permanent {
		pe.Message = "reading the org's default Lead Status, which a lead qualifying again is set back to (or set sfa.salesforce.lead_status): " + pe.Message
	}
	if err != nil {
		return "", err
	}
	if len(recs) > 0 {
		def, _ = recs[0]["ApiName"].(string)
	}
	s.mu.Lock()
	s.defaultStatus = def
	s.mu.Unlock()
	return def, nil
}

// upsertTask upserts the Task by TaskKey = id and returns its Id (as
// Salesforce answers a create; "" for an update). Status "Completed" and
// Priority "High" are a new org's values, but Task Status and Priority are
// the org's own picklists (TaskStatus, TaskPriority): an org that replaced
// them refuses the classic ones (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST),
// so the Task is sent again with the org's first closed status and first
// high priority in their sort order (left to the org's default when it
// has none), read once.
func (s *Salesforce) upsertTask(ctx context.Context, id string, task map[string]any, now time.Time) (string, error) {
	path := s.base() + "/sobjects/Task/" + s.TaskKey + "/" + url.PathEscape(id)
	s.mu.Lock()
	picks := s.taskPicks
	s.mu.Unlock()
	for try := 0; ; try++ {
		for f, v := range picks {
			if _, sent := task[f]; sent {
				if v == "" {
					delete(task, f)
				} else {
					task[f] = v
				}
			}
		}
		status, body, h, err := s.call(ctx, "PATCH", path, task)
		if err != nil {
			return "", err
		}
		if status == 200 || status == 201 || status == 204 {
			var r struct {
				ID string `json:"id"`
			}
			json.Unmarshal(body, &r)
			return r.ID, nil
		}
		e := keyError("Task", s.TaskKey, id, status, body, h, now)
		if try > 0 || picks != nil || e.Code != "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" || !refusesTaskPick(body) {
			return "", e
		}
		if picks, err = s.readTaskPicks(ctx, now); err != nil {
			return "", err
		}
	}
}

// refusesTaskPick reports whether a refusal names Status or Priority.
func refusesTaskPick(body []byte) bool {
	var errs []struct{ Fields []string }
	json.Unmarshal(body, &errs)
	for _, e := range errs {
		if slices.Contains(e.Fields, "Status") || slices.Contains(e.Fields, "Priority") {
			return true
		}
	}
	return false
}

// readTaskPicks reads the org's first closed Task Status and first high
// Task Priority, and keeps them for the connector's life.
func (s *Salesforce) readTaskPicks(ctx context.Context, now time.Time) (map[string]string, error) {
	picks := map[string]string{}
	for _, q := range []struct{ field, soql string }{
		{"Status", "SELECT ApiName FROM TaskStatus WHERE IsClosed = true ORDER BY SortOrder LIMIT 1"},
		{"Priority", "SELECT ApiName FROM TaskPriority WHERE IsHighPriority = true ORDER BY SortOrder LIMIT 1"},
	} {
		recs, err := s.query(ctx, q.soql, now)
		var pe *push.Error
		if errors.As(err, &pe) && pe.Permanent {
			pe.Message = "reading the org's Task " + q.field + " values (it refused the classic one): " + pe.Message
		}
		if err != nil {
			return nil, err
		}
		picks[q.field] = ""
		if len(recs) > 0 {
			picks[q.field], _ = recs[0]["ApiName"].(string)
		}
	}
	s.mu.Lock()
	s.taskPicks = picks
	s.mu.Unlock()
	return picks, nil
}

// reopenedStep is the delivery's step (push.Progress) that records the
// lead status a lead qualifying again was set back to: it is set once per
// MQL, never again by a retry.
const reopenedStep = "lead-status"

// reopened records that the record of the delivery's lead was set back to
// status ("": none was, nothing to record).
func reopened(ctx context.Context, connector, status string) error {
	if status == "" {
		return nil
	}
	if err := push.ProgressFrom(ctx).SaveStep(ctx, reopenedStep, status); err != nil {
		return &push.Error{Connector: connector, Message: "recording the lead status set: " + err.Error()}
	}
	return nil
}

// upsertLead upserts the Lead by Baton's person id; once sales converted
// it, the Task goes on the Contact and Opportunity it became.
func (s *Salesforce) upsertLead(ctx context.Context, l push.Lead, fields map[string]any, existing bool, now time.Time) (leadID, who, what string, err error) {
	var hdr []string // a new Lead is assigned by the org's rules, as any
	if existing {
		hdr = noReassign
	}
	status, body, h, err := s.call(ctx, "PATCH", s.base()+"/sobjects/Lead/"+s.LeadKey+"/"+url.PathEscape(l.PersonID), fields, hdr...)
	if err != nil {
		return "", "", "", err
	}
	switch status {
	case 200, 201:
		var r struct {
			ID string `json:"id"`
		}
		json.Unmarshal(body, &r)
		leadID = r.ID
	case 204: // some API versions answer an update without a body
	default:
		pe := keyError("Lead", s.LeadKey, l.PersonID, status, body, h, now)
		if d := editRefused(pe, body); d != nil && existing { // an update: whoever it names
			return "", "", "", d
		}
		if d := duplicateMatch(pe, body, "Lead", "Contact"); d != nil { // a Task's WhoId takes only these
			return "", "", "", d
		}
		if r := refused(pe, body); r != nil {
			return "", "", "", r
		}
		if pe.Code != "CANNOT_UPDATE_CONVERTED_LEAD" {
			return "", "", "", pe
		}
		c, isConv, err := s.conversion(ctx, l.PersonID, now)
		if err != nil {
			return "", "", "", err
		}
		if !isConv || c.ContactID == "" {
			return "", "", "", pe
		}
		return c.LeadID, c.ContactID, c.OpportunityID, nil
	}
	if leadID == "" {
		c, _, err := s.conversion(ctx, l.PersonID, now)
		if err != nil {
			return "", "", "", err
		}
		leadID = c.LeadID
	}
	return leadID, leadID, "", nil
}

// refusal is a 400 refusing values of the Lead that can be fitted:
// STRING_TOO_LONG (with the field's max length) and INVALID_EMAIL_ADDRESS.
type refusal struct {
	pe   *push.Error
	errs []sfFieldError
}

type sfFieldError struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields"`
}

func (r *refusal) Error() string { return r.pe.Error() }
func (r *refusal) Unwrap() error { return r.pe }

var maxLength = regexp.MustCompile(`max length=(\d+)`)

// refused reads a refusal of values that can be fitted (nil: not one).
func refused(pe *push.Error, body []byte) *refusal {
	var errs []sfFieldError
	if json.Unmarshal(body, &errs) != nil || len(errs) == 0 {
		return nil
	}
	for _, e := range errs {
		if e.ErrorCode != "STRING_TOO_LONG" && e.ErrorCode != "INVALID_EMAIL_ADDRESS" {
			return nil
		}
	}
	return &refusal{pe, errs}
}

// refit fits fields to what Salesforce refused: a value cut to the max
// length it named, the email left off; each noted in cut. It reports
// whether it changed anything.
func (r *refusal) refit(fields map[string]any, cut *[]string, w notes) bool {
	changed := false
	for _, e := range r.errs {
		for _, f := range e.Fields {
			v, ok := fields[f].(string)
			if !ok {
				continue
			}
			all := maxLength.FindAllStringSubmatch(e.Message, -1) // the last: the value quoted before it may say anything
			var m []string
			if len(all) > 0 {
				m = all[len(all)-1]
			}
			switch {
			case e.ErrorCode == "INVALID_EMAIL_ADDRESS":
				delete(fields, f)
				*cut = append(*cut, fmt.Sprintf(w.badMail, f, w.text(v)))
				changed = true
			case m != nil:
				max, _ := strconv.Atoi(m[1])
				if short, was := fit(v, max); was {
					fields[f] = short
					*cut = append(*cut, fmt.Sprintf(w.cut, f, max, w.text(v)))
					changed = true
				}
			}
		}
	}
	return changed
}

// duplicate is a DUPLICATES_DETECTED naming the Leads and Contacts matched.
type duplicate struct {
	pe      *push.Error
	rule    string // the duplicate rule's name
	message string // the rule's alert, as Salesforce gave it
	matches []sfRecord
}

// sfRecord is a record a duplicate rule matched.
type sfRecord struct{ kind, id string }

func (d *duplicate) Error() string { return d.pe.Error() }
func (d *duplicate) Unwrap() error { return d.pe }

// refusal is what the operator reads when the rule refused the Lead and
// matched no record of this person: the rule, its message, and whom it
// matched instead.
func (d *duplicate) refusal() *push.Error {
	var who []string
	for _, m := range d.matches {
		who = append(who, m.kind+" "+m.id)
	}
	return &push.Error{Connector: "salesforce", Status: d.pe.Status, Code: d.pe.Code, Permanent: true,
		Message: fmt.Sprintf("duplicate rule %s refused the new Lead (%q), matching %s, which has another email: not this person, so no Task was put on it. "+
			"Merge or correct the records in Salesforce, or let the rule alert rather than block and set duplicate_rule_header: allowSave=true, then replay",
			d.rule, d.message, strings.Join(who, ", "))}
}

// samePerson returns the Lead (not converted) or Contact among those the
// duplicate rule matched whose email is email ("": none of them). The
// rule's answer names them by Id only (without includeRecordDetails):
// their emails are read back, one query per kind.
func (s *Salesforce) samePerson(ctx context.Context, d *duplicate, email string, now time.Time) (string, error) {
	if email == "" {
		return "", nil
	}
	for _, kind := range []string{"Lead", "Contact"} {
		var ids []string
		for _, m := range d.matches {
			if m.kind == kind {
				ids = append(ids, soqlString(m.id))
			}
		}
		if len(ids) == 0 {
			continue
		}
		fields := "Id, Email"
		if kind == "Lead" {
			fields += ", IsConverted"
		}
		recs, err := s.query(ctx, "SELECT "+fields+" FROM "+kind+" WHERE Id IN ("+strings.Join(ids, ", ")+")", now)
		if err != nil {
			return "", err
		}
		for _, r := range recs {
			e, _ := r["Email"].(string)
			conv, _ := r["IsConverted"].(bool)
			if id, _ := r["Id"].(string); id != "" && strings.EqualFold(strings.TrimSpace(e), email) && !conv {
				return id, nil
			}
		}
	}
	return "", nil
}

// leadNotUpdatedStep is the delivery's step (push.Progress) recording
// that the org's duplicate rule refused the update of the Lead the MQL
// went on: the rule and the records it matched.
const leadNotUpdatedStep = "lead-not-updated"

// editRefused reads a DUPLICATES_DETECTED answering an update of a Lead
// (nil: not one): the rule and every record it named, if any. Unlike a
// refused create, the Task's record is known whatever it matched.
func editRefused(pe *push.Error, body []byte) *duplicate {
	ds := duplicates(pe, body)
	if len(ds) == 0 {
		return nil
	}
	for _, d := range ds {
		if len(d.matches) > 0 {
			return d
		}
	}
	return ds[0]
}

// editNote is the Task's note of an update the rule refused.
func (d *duplicate) editNote(w notes) string {
	return fmt.Sprintf(w.dupEdit, d.ruleName(), d.matched(w.dupNone))
}

// ruleName is the rule's name ("-": the answer did not give it).
func (d *duplicate) ruleName() string {
	if d.rule == "" {
		return "-"
	}
	return d.rule
}

// matched names the records the rule matched ("Lead 00Q…, Contact 003…";
// none: none named).
func (d *duplicate) matched(none string) string {
	var who []string
	for _, m := range d.matches {
		who = append(who, m.kind+" "+m.id)
	}
	if len(who) == 0 {
		return none
	}
	return strings.Join(who, ", ")
}

// record keeps the refused update in the delivery (leadNotUpdatedStep).
func (d *duplicate) record(ctx context.Context) error {
	v := fmt.Sprintf("duplicate rule %s refused the update of the Lead (%q), matching %s: the MQL is on the Lead, its fields not updated", d.ruleName(), d.message, d.matched("no record named"))
	if err := push.ProgressFrom(ctx).SaveStep(ctx, leadNotUpdatedStep, v); err != nil {
		return &push.Error{Connector: "salesforce", Message: "recording the Lead update the duplicate rule refused: " + err.Error()}
	}
	return nil
}

// duplicateMatch reads the records of kinds (Lead, Contact; Account) a
// DUPLICATES_DETECTED matched (nil: not one, or none of them named).
func duplicateMatch(pe *push.Error, body []byte, kinds ...string) *duplicate {
	for _, d := range duplicates(pe, body, kinds...) {
		if len(d.matches) > 0 {
			return d
		}
	}
	return nil
}

// duplicates reads each error of a DUPLICATES_DETECTED: its rule, message
// and the records of kinds it matched (every kind: none given).
func duplicates(pe *push.Error, body []byte, kinds ...string) []*duplicate {
	if pe.Code != "DUPLICATES_DETECTED" {
		return nil
	}
	var errs []struct {
		Message         string `json:"message"`
		DuplicateResult struct {
			DuplicateRule string `json:"duplicateRule"`
			ErrorMessage  string `json:"errorMessage"`
			MatchResults  []struct {
				EntityType   string `json:"entityType"`
				MatchRecords []struct {
					Record struct {
						ID string `json:"Id"`
					} `json:"record"`
				} `json:"matchRecords"`
			} `json:"matchResults"`
		} `json:"duplicateResult"`
	}
	json.Unmarshal(body, &errs)
	var out []*duplicate
	for _, e := range errs {
		d := &duplicate{pe: pe, rule: e.DuplicateResult.DuplicateRule, message: e.DuplicateResult.ErrorMessage}
		if d.message == "" {
			d.message = e.Message
		}
		for _, m := range e.DuplicateResult.MatchResults {
			if len(kinds) > 0 && !slices.Contains(kinds, m.EntityType) {
				continue
			}
			for _, r := range m.MatchRecords {
				if r.Record.ID != "" {
					d.matches = append(d.matches, sfRecord{m.EntityType, r.Record.ID})
				}
			}
		}
		out = append(out, d)
	}
	if len(out) == 0 { // a body not as documented: the code alone
		out = append(out, &duplicate{pe: pe, message: pe.Message})
	}
	return out
}

func ratingFor(grade string) string {
	switch grade {
	case "A":
		return "Hot"
	case "B":
		return "Warm"
	}
	return "Cold"
}

// Forget deletes the person's Lead (erasure requests).
func (s *Salesforce) Forget(ctx context.Context, personID, email string) error {
	status, body, h, err := s.call(ctx, "GET", s.base()+"/sobjects/Lead/"+s.LeadKey+"/"+url.PathEscape(personID)+"?fields=Id", nil)
	if err != nil {
		return err
	}
	if status == 404 && !sfKeyHidden(status, body, personID) {
		return nil // never pushed
	}
	if status != 200 {
		// The key field missing or hidden from the integration user is
		// no proof the Lead is gone: the erasure fails, to be retried
		// once the field is readable (a Lead it cannot find it cannot
		// delete, and Baton would say erased what Salesforce keeps).
		return keyError("Lead", s.LeadKey, personID, status, body, h, s.now())
	}
	var r struct{ Id string }
	json.Unmarshal(body, &r)
	status, body, h, err = s.call(ctx, "DELETE", s.base()+"/sobjects/Lead/"+url.PathEscape(r.Id), nil)
	if err != nil {
		return err
	}
	if status != 204 && status != 404 {
		return sfError(status, body, h, s.now())
	}
	return nil
}

// sfCode is the first errorCode of a Salesforce error body.
func sfCode(body []byte) string {
	var es []struct {
		ErrorCode string `json:"errorCode"`
	}
	if json.Unmarshal(body, &es) == nil && len(es) > 0 {
		return es[0].ErrorCode
	}
	return ""
}

// sfAccountAttrs are the Account fields read back, by the account
// attribute they fill.
var sfAccountAttrs = map[string]string{"Name": "company", "Industry": "industry", "NumberOfEmployees": "employees", "AnnualRevenue": "revenue", "BillingCountry": "country", "Website": "website"}

var sfAccountFields = []string{"Id", "AnnualRevenue", "BillingCountry", "Industry", "Name", "NumberOfEmployees", "Website"}

// PushAccount implements push.AccountConnector: the Account found by
// Baton's account id (AccountKey), or created with it (Name, Website); then
// a completed Task on it with the MQA's people and why, upserted by the MQA
// id. An existing Account is not written: sales own it. When the org's
// duplicate rule refuses the new Account (the Standard Account Duplicate
// Rule, active by default, matches the company sales keep already), the
// Account it matched is adopted instead (adoptAccount). Without an
// AccountKey, push.ErrNotTaken.
func (s *Salesforce) PushAccount(ctx context.Context, m account.MQA) (string, error) {
	if s.AccountKey == "" {
		return "", push.ErrNotTaken
	}
	now := s.now()
	path := s.base() + "/sobjects/Account/" + s.AccountKey + "/" + url.PathEscape(m.Account)
	read := path + "?fields=" + strings.Join(sfAccountFields, ",")
	// The Account as the org keeps it: an existing one is left as sales
	// keep it (its name, website ...), and what they know of the company
	// is taken over the people's values in Baton's account.
	status, body, h, err := s.call(ctx, "GET", read, nil)
	if err != nil {
		return "", err
	}
	if sfKeyHidden(status, body, m.Account) {
		return "", keyError("Account", s.AccountKey, m.Account, status, body, h, now)
	}
	if status == 404 && sfCode(body) == "NOT_FOUND" {
		name := m.Name
		if name == "" {
			name = m.Account
		}
		name, _ = fit(name, sfAccountNameLen) // the Task has it whole (accountCut)
		fields := map[string]any{"Name": name}
		if d, _ := fit(m.Domain(), sfLengths["Website"]); d != "" {
			fields["Website"] = d
		}
		// The duplicate rule always judges the new Account, whatever
		// duplicate_rule_header lets through for Leads: a second Account
		// of a company sales keep serves no one; theirs gets the MQA.
		if status, body, h, err = s.call(ctx, "PATCH", path, fields, "Sforce-Duplicate-Rule-Header", "allowSave=false"); err != nil {
			return "", err
		}
		if status != 200 && status != 201 && status != 204 {
			pe := sfError(status, body, h, now)
			d := duplicateMatch(pe, body, "Account")
			if d == nil {
				return "", pe
			}
			a, err := s.adoptAccount(ctx, m, d, now)
			if err != nil {
				return "", err
			}
			read = s.base() + "/sobjects/Account/" + url.PathEscape(a.ID) + "?fields=" + strings.Join(sfAccountFields, ",")
		}
		if status, body, h, err = s.call(ctx, "GET", read, nil); err != nil {
			return "", err
		}
	}
	if status != 200 {
		return "", sfError(status, body, h, now)
	}
	var got map[string]any
	json.Unmarshal(body, &got)
	var r struct{ ID string }
	r.ID, _ = got["Id"].(string)
	if r.ID == "" {
		return "", &push.Error{Connector: "salesforce", Status: status, Message: "the Account upserted has no Id"}
	}
	facts := map[string]string{}
	for field, attr := range sfAccountAttrs {
		switch v := got[field].(type) {
		case string:
			facts[attr] = v
		case float64:
			facts[attr] = strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	if err := push.ReportFacts(ctx, facts); err != nil {
		return "", &push.Error{Connector: "salesforce", Message: "keeping the Account's values: " + err.Error()}
	}
	subject, _ := fit(m.Subject(), sfSubjectLen)
	task := map[string]any{
		"WhatId": r.ID, "Subject": subject, "Description": taskDescription(m.Summary(), accountNotes(ctx, m, r.ID), notesIn(m.Lang), notesIn(m.Lang).acHead), // RewriteAccount writes it again
		"Status": "Completed", "Priority": "High", "ActivityDate": m.At.Format("2006-01-02"),
	}
	if _, err := s.upsertTask(ctx, m.ID, task, now); err != nil {
		return "", err
	}
	return r.ID, nil
}

// sfAccountNameLen is the length of the Account's Name.
const sfAccountNameLen = 255

// adoptedStep is the delivery's step (push.Progress) recording the Account
// a duplicate rule matched and the MQA was put on (an adoption, as JSON),
// so that a retry, which finds it by Baton's key, and RewriteAccount keep
// saying so in the Task.
const adoptedStep = "account-adopted"

// adoption is an Account sales keep that the org's duplicate rule matched
// to the MQA's company, refusing a new one.
type adoption struct {
	Rule    string   `json:"rule"`
	ID      string   `json:"id"`
	Keyed   bool     `json:"keyed,omitempty"`   // Baton's account id set on it
	Other   string   `json:"other,omitempty"`   // the Baton account id it held already (not set)
	Refused string   `json:"refused,omitempty"` // why the org refused Baton's id on it (not set)
	More    []string `json:"more,omitempty"`    // the other Accounts the rule matched, left alone
}

// adoptAccount takes the Account the duplicate rule matched, as the Lead
// path takes the Lead it matched (Push): the company is the one sales
// keep, so the MQA goes on their Account rather than dead, and no second
// Account is made. With several matched, the oldest (CreatedDate, then
// Id: the same pick at every attempt), the Task naming the others. Baton's
// account id is set on it (its only write there: the next MQA finds it by
// key), unless it holds another Baton account's (a second domain of the
// company: that account keeps it) or the org refuses the write.
func (s *Salesforce) adoptAccount(ctx context.Context, m account.MQA, d *duplicate, now time.Time) (adoption, error) {
	ids := make([]string, len(d.matches))
	for i, r := range d.matches {
		ids[i] = soqlString(r.id)
	}
	recs, err := s.query(ctx, "SELECT Id, CreatedDate, "+s.AccountKey+" FROM Account WHERE Id IN ("+strings.Join(ids, ", ")+")", now)
	if err != nil {
		return adoption{}, err
	}
	str := func(r map[string]any, f string) string { v, _ := r[f].(string); return v }
	created := func(r map[string]any) time.Time {
		t, _ := time.Parse("2006-01-02T15:04:05.000-0700", str(r, "CreatedDate"))
		return t
	}
	recs = slices.DeleteFunc(recs, func(r map[string]any) bool { return str(r, "Id") == "" })
	if len(recs) == 0 { // gone since, or not shared with Baton's user
		return adoption{}, d.pe
	}
	slices.SortFunc(recs, func(a, b map[string]any) int {
		if c := created(a).Compare(created(b)); c != 0 {
			return c
		}
		return strings.Compare(str(a, "Id"), str(b, "Id"))
	})
	a := adoption{Rule: d.rule, ID: str(recs[0], "Id")}
	for _, r := range recs[1:] {
		a.More = append(a.More, str(r, "Id"))
	}
	switch held := str(recs[0], s.AccountKey); {
	case held == m.Account: // set by an attempt whose answer was lost
		a.Keyed = true
	case held != "":
		a.Other = held
	default:
		// The edit is judged by the duplicate rules too, and matches
		// the others sales keep: allowSave lets it through an alerting
		// rule (the Standard one), since it makes no new duplicate.
		// Sales' Account, updated: not reassigned by the org's rules.
		status, body, h, err := s.call(ctx, "PATCH", s.base()+"/sobjects/Account/"+url.PathEscape(a.ID), map[string]any{s.AccountKey: m.Account},
			append([]string{"Sforce-Duplicate-Rule-Header", "allowSave=true"}, noReassign...)...)
		if err != nil {
			return adoption{}, err
		}
		if status == 200 || status == 204 {
			a.Keyed = true
		} else if pe := sfError(status, body, h, now); pe.Code == "DUPLICATES_DETECTED" {
			a.Refused = pe.Message // a rule that blocks edits: the MQA goes on it all the same
		} else {
			return adoption{}, pe
		}
	}
	b, _ := json.Marshal(a)
	if err := push.ProgressFrom(ctx).SaveStep(ctx, adoptedStep, string(b)); err != nil {
		return adoption{}, &push.Error{Connector: "salesforce", Message: "recording the Account the duplicate rule matched: " + err.Error()}
	}
	return a, nil
}

// accountNotes are what the MQA's Task on Account id says beside the
// summary: what of the company the Account cannot hold, and that the
// duplicate rule matched it (the delivery's adoption of that Account).
func accountNotes(ctx context.Context, m account.MQA, id string) []string {
	out := accountCut(m)
	var a adoption
	if json.Unmarshal([]byte(push.ProgressFrom(ctx).Step(adoptedStep)), &a) != nil || a.ID == "" || a.ID != id {
		return out
	}
	w := notesIn(m.Lang)
	switch {
	case a.Keyed:
		out = append(out, fmt.Sprintf(w.acDup, a.Rule, m.Account))
	case a.Other != "":
		out = append(out, fmt.Sprintf(w.acDupOther, a.Rule, a.Other))
	default:
		out = append(out, fmt.Sprintf(w.acDupRefused, a.Rule, a.Refused))
	}
	if len(a.More) > 0 {
		out = append(out, fmt.Sprintf(w.acDupMore, strings.Join(a.More, ", ")))
	}
	return out
}

// accountCut is what of the MQA's company an Account cannot hold whole,
// for its Task.
func accountCut(m account.MQA) []string {
	if _, cut := fit(m.Name, sfAccountNameLen); cut {
		return []string{fmt.Sprintf(notesIn(m.Lang).acName, sfAccountNameLen, notesIn(m.Lang).on(m.Sites).text(m.Name))}
	}
	return nil
}

// RewriteAccount implements push.AccountRewriter: the MQA's Task, found by
// the MQA id, gets the MQA's description as it now is. A Task sales deleted
// stays deleted (the upsert by external id would create it again).
func (s *Salesforce) RewriteAccount(ctx context.Context, m account.MQA) error {
	if s.AccountKey == "" {
		return nil
	}
	path := s.base() + "/sobjects/Task/" + s.TaskKey + "/" + url.PathEscape(m.ID)
	status, body, h, err := s.call(ctx, "GET", path+"?fields=Id,WhatId", nil)
	if err != nil {
		return err
	}
	if status == 404 && !sfKeyHidden(status, body, m.ID) {
		return nil
	}
	if status != 200 {
		return keyError("Task", s.TaskKey, m.ID, status, body, h, s.now())
	}
	var task struct{ WhatId string }
	json.Unmarshal(body, &task)
	if status, body, h, err = s.call(ctx, "PATCH", path, map[string]any{"Description": taskDescription(m.Summary(), accountNotes(ctx, m, task.WhatId), notesIn(m.Lang), notesIn(m.Lang).acHead)}); err != nil {
		return err
	}
	if status != 200 && status != 201 && status != 204 {
		return sfError(status, body, h, s.now())
	}
	return nil
}

// OwnerNames names record owners by id, for the reports of sales'
// outcomes (feedback names the rep by OwnerId): a User (005...) by their
// email, else name; a queue (a Group, 00G...) by its name. An id given in
// its 15- or 18-character form is answered under the form given; one
// Salesforce does not have is absent. One query per kind and 100 ids; a
// query that fails ends the reads, and the names read before it are
// answered with its error (an integration user who may read User but not
// Group: the Users' names), for the caller to use.
func (s *Salesforce) OwnerNames(ctx context.Context, ids []string) (map[string]string, error) {
	now := s.now()
	out := map[string]string{}
	for _, kind := range []struct{ prefix, object, fields string }{{"005", "User", "Id, Name, Email"}, {"00G", "Group", "Id, Name"}} {
		var want []string
		for _, id := range ids {
			if strings.HasPrefix(id, kind.prefix) && (len(id) == 15 || len(id) == 18) {
				want = append(want, id)
			}
		}
		for len(want) > 0 {
			part := want[:min(100, len(want))]
			want = want[len(part):]
			quoted := make([]string, len(part))
			for i, id := range part {
				quoted[i] = soqlString(id)
			}
			recs, err := s.query(ctx, "SELECT "+kind.fields+" FROM "+kind.object+" WHERE Id IN ("+strings.Join(quoted, ", ")+")", now)
			if err != nil {
				return out, err
			}
			for _, r := range recs {
				id, _ := r["Id"].(string)
				name, _ := r["Email"].(string)
				if name = strings.TrimSpace(name); name == "" {
					name, _ = r["Name"].(string)
				}
				if len(id) < 15 || name == "" {
					continue
				}
				for _, asked := range part {
					if asked[:15] == id[:15] {
						out[asked] = name
					}
				}
			}
		}
	}
	return out, nil
}

// RecordOwner implements push.OwnerReader: the OwnerId of the Lead (or,
// for an MQL that went on one, the Contact) id, as the org's assignment
// rules gave it when Baton created the Lead and sales may have moved it
// since, named as OwnerNames names owners (a User's email, else name; a
// queue's name). One query of the record and one of its owner: a breach's,
// not every delivery's. A record gone (deleted, merged) has none; an owner
// whose name cannot be read is answered by its id, with the error.
func (s *Salesforce) RecordOwner(ctx context.Context, id string) (qualify.Owner, error) {
	object := "Lead"
	if strings.HasPrefix(id, "003") {
		object = "Contact"
	}
	recs, err := s.query(ctx, "SELECT OwnerId FROM "+object+" WHERE Id = "+soqlString(id), s.now())
	if err != nil || len(recs) == 0 {
		return qualify.Owner{}, err
	}
	owner, _ := recs[0]["OwnerId"].(string)
	if owner == "" {
		return qualify.Owner{}, nil
	}
	names, err := s.OwnerNames(ctx, []string{owner})
	return qualify.Owner{ID: owner, Name: names[owner]}, err
}

var (
	_ push.OwnerReader = (*Salesforce)(nil)
	_ push.OwnerReader = (*HubSpot)(nil)
	_ push.OwnerReader = (*Kintone)(nil)
)
