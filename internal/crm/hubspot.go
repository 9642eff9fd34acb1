package crm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/clock"

	"github.com/baton-hq/baton/internal/push"
)

// HubSpot upserts the contact by email with lifecycle stage
// marketingqualifiedlead and adds a note with the MQL reason, once.
type HubSpot struct {
	BaseURL string // https://api.hubapi.com
	Token   string // private app access token
	Fields  map[string]string
	Client  *http.Client
	Now     func() time.Time
}

// Name implements push.Connector.
func (h *HubSpot) Name() string { return "hubspot" }

// Validate names the first missing setting.
func (h *HubSpot) Validate() error {
	if h.Token == "" {
		return errors.New("hubspot: token is required")
	}
	return nil
}

func (h *HubSpot) do(ctx context.Context, method, path string, body any) (int, []byte, http.Header, error) {
	base := h.BaseURL
	if base == "" {
		base = "https://api.hubapi.com"
	}
	b, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(base, "/")+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+h.Token)
	req.Header.Set("Content-Type", "application/json")
	c := h.Client
	if c == nil {
		c = &http.Client{Timeout: 20 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, nil, &push.Error{Connector: "hubspot", Message: err.Error()}
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, out, resp.Header, nil
}

// hsError reads HubSpot's error body and rate-limit headers.
func (h *HubSpot) hsError(status int, body []byte, hd http.Header) *push.Error {
	var e struct {
		Message    string `json:"message"`
		Category   string `json:"category"`
		ErrorType  string `json:"errorType"`
		PolicyName string `json:"policyName"`
	}
	json.Unmarshal(body, &e)
	now := clock.Now()
	if h.Now != nil {
		now = h.Now()
	}
	pe := &push.Error{Connector: "hubspot", Status: status, Code: e.Category, Message: e.Message}
	if pe.Code == "" {
		pe.Code = e.ErrorType
	}
	switch {
	case status == 429:
		pe.Code = "RATE_LIMIT:" + e.PolicyName
		pe.RetryAfter = push.RetryAfter(hd, now)
		if pe.RetryAfter == 0 {
			pe.RetryAfter = time.Second // SECONDLY (and TEN_SECONDLY) windows
			if iv, err := strconv.Atoi(hd.Get("X-HubSpot-RateLimit-Interval-Milliseconds")); err == nil && iv > 0 {
				pe.RetryAfter = time.Duration(iv) * time.Millisecond
			}
			if e.PolicyName == "DAILY" { // until the daily window resets (midnight in the account's zone; UTC here)
				pe.RetryAfter = now.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour).Sub(now)
			}
		}
	case status >= 500:
		pe.RetryAfter = push.RetryAfter(hd, now)
	default:
		pe.Permanent = true // 400 validation, 401 bad token, 403 missing scopes, 409 conflict
	}
	return pe
}

var hsDefaults = map[string]string{
	"first_name": "firstname", "last_name": "lastname", "company": "company", "title": "jobtitle", "phone": "phone",
	"industry": "industry", "country": "country", "city": "city", "region": "state", "website": "website",
}

// Push implements push.Connector.
func (h *HubSpot) Push(ctx context.Context, l push.Lead) (string, error) {
	props := map[string]string{"email": l.Email, "lifecyclestage": "marketingqualifiedlead"}
	for attr, p := range hsDefaults {
		if v := l.Attributes[attr]; v != "" {
			props[p] = v
		}
	}
	for attr, p := range h.Fields {
		if v := l.Attributes[attr]; v != "" {
			props[p] = v
		}
	}
	status, body, hd, err := h.do(ctx, "POST", "/crm/v3/objects/contacts/batch/upsert", map[string]any{
		"inputs": []any{map[string]any{"idProperty": "email", "id": l.Email, "properties": props}},
	})
	if err != nil {
		return "", err
	}
	var res struct {
		Results []struct {
			ID string `json:"id"`
		} `json:"results"`
		Errors []struct {
			Message  string `json:"message"`
			Category string `json:"category"`
		} `json:"errors"`
		NumErrors int `json:"numErrors"`
	}
	switch status {
	case 200, 201:
		json.Unmarshal(body, &res)
	case 207:
		json.Unmarshal(body, &res)
		if len(res.Results) == 0 { // our one input failed
			msg, cat := "partial failure", ""
			if len(res.Errors) > 0 {
				msg, cat = res.Errors[0].Message, res.Errors[0].Category
			}
			return "", &push.Error{Connector: "hubspot", Status: 207, Code: cat, Message: msg, Permanent: cat != "RATE_LIMITS"}
		}
	default:
		return "", h.hsError(status, body, hd)
	}
	if len(res.Results) == 0 || res.Results[0].ID == "" {
		return "", &push.Error{Connector: "hubspot", Status: status, Message: "upsert answered without a contact id"}
	}
	contact := res.Results[0].ID
	// The note carries a marker with the MQL id: look for it first, so a
	// retry after a lost answer never adds a second note.
	marker := "baton-mql-" + l.MQLID
	status, body, hd, err = h.do(ctx, "POST", "/crm/v3/objects/notes/search", map[string]any{
		"filterGroups": []any{map[string]any{"filters": []any{map[string]any{"propertyName": "hs_note_body", "operator": "CONTAINS_TOKEN", "value": marker}}}},
		"limit":        1,
	})
	if err != nil {
		return "", err
	}
	if status != 200 {
		return "", h.hsError(status, body, hd)
	}
	var found struct {
		Total int `json:"total"`
	}
	json.Unmarshal(body, &found)
	if found.Total > 0 {
		return contact, nil
	}
	note := map[string]any{
		"properties": map[string]string{
			"hs_timestamp": l.QualifiedAt.UTC().Format(time.RFC3339),
			"hs_note_body": fmt.Sprintf("<p><b>MQL: %s</b></p><pre>%s</pre><p>%s</p>", htmlEscape(l.Condition), htmlEscape(l.Summary()), marker),
		},
		"associations": []any{map[string]any{
			"to":    map[string]string{"id": contact},
			"types": []any{map[string]any{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 202}},
		}},
	}
	status, body, hd, err = h.do(ctx, "POST", "/crm/v3/objects/notes", note)
	if err != nil {
		return "", err
	}
	if status != 201 && status != 200 {
		return "", h.hsError(status, body, hd)
	}
	return contact, nil
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// Forget permanently deletes the contact under HubSpot's GDPR endpoint.
func (h *HubSpot) Forget(ctx context.Context, personID, email string) error {
	status, body, hd, err := h.do(ctx, "POST", "/crm/v3/objects/contacts/gdpr-delete", map[string]string{"idProperty": "email", "objectId": email})
	if err != nil {
		return err
	}
	if status == 204 || status == 200 || status == 404 {
		return nil
	}
	return h.hsError(status, body, hd)
}
