// Package crm holds the SFA connectors: Salesforce, HubSpot and kintone,
// each over plain net/http against its documented REST API. Each upserts by
// a key the SFA enforces (external id, email), so delivering twice never
// creates twice, and classifies every failure for the push worker:
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
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/baton-hq/baton/internal/clock"

	"github.com/baton-hq/baton/internal/push"
)

// Salesforce upserts the Lead by an external-id field and records a
// completed Task with the MQL reason, itself upserted by the MQL id.
type Salesforce struct {
	LoginURL      string // https://login.salesforce.com or https://<domain>.my.salesforce.com
	ClientID      string
	ClientSecret  string // client-credentials flow
	Username      string // JWT bearer flow (with PrivateKeyPEM)
	PrivateKeyPEM string
	APIVersion    string            // default v62.0
	LeadKey       string            // external-id field on Lead holding the Baton person id, e.g. Baton_Person_Id__c
	TaskKey       string            // external-id field on Task holding the MQL id, e.g. Baton_MQL_Id__c
	Fields        map[string]string // Baton attribute -> Lead field (added to the defaults)
	Client        *http.Client
	Now           func() time.Time

	mu       sync.Mutex
	token    string
	instance string
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
	}
	return nil
}

func (s *Salesforce) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	return &http.Client{Timeout: 20 * time.Second}
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
	req, _ := http.NewRequestWithContext(ctx, "POST", strings.TrimSuffix(s.LoginURL, "/")+"/services/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.client().Do(req)
	if err != nil {
		return "", "", &push.Error{Connector: "salesforce", Message: err.Error()}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
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
	claims, _ := json.Marshal(map[string]any{"iss": s.ClientID, "sub": s.Username, "aud": strings.TrimSuffix(s.LoginURL, "/"), "exp": s.now().Add(3 * time.Minute).Unix()})
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
func (s *Salesforce) call(ctx context.Context, method, path string, body any) (int, []byte, http.Header, error) {
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
		b, _ := json.Marshal(body)
		req, _ := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(inst, "/")+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := s.client().Do(req)
		if err != nil {
			return 0, nil, nil, &push.Error{Connector: "salesforce", Message: err.Error()}
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
		e.Code, e.Message = errs[0].ErrorCode, errs[0].Message
		if len(errs[0].Fields) > 0 {
			e.Message += " (" + strings.Join(errs[0].Fields, ", ") + ")"
		}
	} else {
		e.Message = strings.TrimSpace(string(body))
	}
	switch {
	case status == 403 && e.Code == "REQUEST_LIMIT_EXCEEDED":
		e.RetryAfter = push.RetryAfter(h, now)
		if e.RetryAfter == 0 {
			e.RetryAfter = 5 * time.Minute // the 24-hour API limit: come back much later than a blip
		}
	case status == 300:
		e.Code, e.Permanent = "MULTIPLE_CHOICES", true
		e.Message = "several Leads share the external id: " + strings.TrimSpace(string(body))
	case status == 429 || status >= 500:
		e.RetryAfter = push.RetryAfter(h, now)
	default:
		e.Permanent = true // 400 DUPLICATES_DETECTED, REQUIRED_FIELD_MISSING, INVALID_FIELD, 401 after refresh, 403, 404
	}
	return e
}

var sfDefaults = map[string]string{
	"first_name": "FirstName", "last_name": "LastName", "company": "Company", "title": "Title", "phone": "Phone",
	"industry": "Industry", "country": "Country", "city": "City", "region": "State", "website": "Website",
}

// Push implements push.Connector.
func (s *Salesforce) Push(ctx context.Context, l push.Lead) (string, error) {
	v := s.APIVersion
	if v == "" {
		v = "v62.0"
	}
	lead := map[string]any{"Email": l.Email, "LeadSource": "Baton", "Rating": ratingFor(l.Grade)}
	for attr, field := range sfDefaults {
		if val := l.Attributes[attr]; val != "" {
			lead[field] = val
		}
	}
	for attr, field := range s.Fields {
		if val := l.Attributes[attr]; val != "" {
			lead[field] = val
		}
	}
	if lead["LastName"] == nil { // required by Salesforce
		name := l.Attributes["name"]
		if name == "" {
			name = strings.SplitN(l.Email, "@", 2)[0]
		}
		lead["LastName"] = name
	}
	if lead["Company"] == nil {
		lead["Company"] = "[not provided]"
	}
	now := s.now()
	status, body, h, err := s.call(ctx, "PATCH", "/services/data/"+v+"/sobjects/Lead/"+s.LeadKey+"/"+url.PathEscape(l.PersonID), lead)
	if err != nil {
		return "", err
	}
	leadID := ""
	switch status {
	case 200, 201:
		var r struct {
			ID      string `json:"id"`
			Success bool   `json:"success"`
		}
		json.Unmarshal(body, &r)
		leadID = r.ID
	case 204: // some API versions answer an update without a body
	default:
		return "", sfError(status, body, h, now)
	}
	if leadID == "" {
		status, body, h, err = s.call(ctx, "GET", "/services/data/"+v+"/sobjects/Lead/"+s.LeadKey+"/"+url.PathEscape(l.PersonID)+"?fields=Id", nil)
		if err != nil {
			return "", err
		}
		if status != 200 {
			return "", sfError(status, body, h, now)
		}
		var r struct{ Id string }
		json.Unmarshal(body, &r)
		leadID = r.Id
	}
	task := map[string]any{
		"WhoId": leadID, "Subject": "MQL: " + l.Condition, "Description": l.Summary(),
		"Status": "Completed", "Priority": "High", "ActivityDate": l.QualifiedAt.Format("2006-01-02"),
	}
	status, body, h, err = s.call(ctx, "PATCH", "/services/data/"+v+"/sobjects/Task/"+s.TaskKey+"/"+url.PathEscape(l.MQLID), task)
	if err != nil {
		return "", err
	}
	if status != 200 && status != 201 && status != 204 {
		return "", sfError(status, body, h, now)
	}
	return leadID, nil
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
	v := s.APIVersion
	if v == "" {
		v = "v62.0"
	}
	status, body, h, err := s.call(ctx, "GET", "/services/data/"+v+"/sobjects/Lead/"+s.LeadKey+"/"+url.PathEscape(personID)+"?fields=Id", nil)
	if err != nil {
		return err
	}
	if status == 404 {
		return nil // never pushed
	}
	if status != 200 {
		return sfError(status, body, h, s.now())
	}
	var r struct{ Id string }
	json.Unmarshal(body, &r)
	status, body, h, err = s.call(ctx, "DELETE", "/services/data/"+v+"/sobjects/Lead/"+url.PathEscape(r.Id), nil)
	if err != nil {
		return err
	}
	if status != 204 && status != 404 {
		return sfError(status, body, h, s.now())
	}
	return nil
}
