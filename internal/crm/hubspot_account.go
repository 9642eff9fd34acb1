package crm

import (
	"context"
	"encoding/json"
	"net/url"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/push"
)

// HubSpot association types (HUBSPOT_DEFINED) of a note.
const (
	noteToContact = 202
	noteToCompany = 190
)

// PushAccount implements push.AccountConnector: the company (found by the
// account's domain, or its name without one, else created) and a note on
// it with the MQA's people and why. What it created is kept with the
// delivery (push.Progress), so a retry neither creates a second company
// nor adds a second note; search alone could not tell, its index lags.
func (h *HubSpot) PushAccount(ctx context.Context, m account.MQA) (string, error) {
	prog := push.ProgressFrom(ctx)
	company := prog.Step("company")
	if company == "" {
		var err error
		if company, err = h.company(ctx, m); err != nil {
			return "", err
		}
		if err := prog.SaveStep(ctx, "company", company); err != nil {
			return "", &push.Error{Connector: "hubspot", Message: "company " + company + " not recorded: " + err.Error()}
		}
	}
	if prog.Step("note") != "" {
		return company, nil
	}
	if err := h.unconfirmedNote(ctx, prog, "company", company, "baton-mqa-"+m.ID); err != nil {
		return "", err
	}
	if prog.Step("note") != "" {
		return company, nil
	}
	note := map[string]any{
		"properties": map[string]string{
			"hs_timestamp": m.At.UTC().Format(time.RFC3339),
			"hs_note_body": noteBody(m),
		},
		"associations": []any{map[string]any{
			"to":    map[string]string{"id": company},
			"types": []any{map[string]any{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": noteToCompany}},
		}},
	}
	if err := h.createNote(ctx, prog, note); err != nil {
		return "", err
	}
	return company, nil
}

// noteBody is the MQA's note: why, the people, and the MQA id (which
// finds the note again when its id was not recorded).
func noteBody(m account.MQA) string {
	return noteHTML(m.Subject(), m.Summary(), "baton-mqa-"+m.ID, notesIn(m.Lang), "")
}

// RewriteAccount implements push.AccountRewriter: the MQA's note, by the id
// its delivery recorded, gets the MQA's body as it now is. A note deleted
// at HubSpot is left deleted.
func (h *HubSpot) RewriteAccount(ctx context.Context, m account.MQA) error {
	id := push.ProgressFrom(ctx).Step("note")
	if id == "" {
		return nil // no note was made
	}
	status, body, hd, err := h.do(ctx, "PATCH", "/crm/v3/objects/notes/"+url.PathEscape(id), map[string]any{"properties": map[string]string{"hs_note_body": noteBody(m)}})
	if err != nil {
		return err
	}
	if status == 404 || status == 200 {
		return nil
	}
	return h.hsError(status, body, hd)
}

// hsCompanyAttrs are the company properties read back, by the account
// attribute they fill.
var hsCompanyAttrs = map[string]string{"name": "company", "industry": "industry", "numberofemployees": "employees", "annualrevenue": "revenue", "country": "country"}

// company finds the account's company by domain (or name), or creates it;
// after a lost answer, only once search could have seen the first.
func (h *HubSpot) company(ctx context.Context, m account.MQA) (string, error) {
	prop, value := "domain", m.Domain()
	if value == "" {
		prop, value = "name", m.Name
	}
	if value != "" {
		status, body, hd, err := h.do(ctx, "POST", "/crm/v3/objects/companies/search", map[string]any{
			"filterGroups": []any{map[string]any{"filters": []any{map[string]string{"propertyName": prop, "operator": "EQ", "value": value}}}},
			"properties":   []string{"name", "domain", "industry", "numberofemployees", "annualrevenue", "country"}, "limit": 1,
		})
		if err != nil {
			return "", err
		}
		if status != 200 {
			return "", h.hsError(status, body, hd)
		}
		var found struct {
			Results []struct {
				ID         string            `json:"id"`
				Properties map[string]string `json:"properties"`
			} `json:"results"`
		}
		json.Unmarshal(body, &found)
		if len(found.Results) > 0 && found.Results[0].ID != "" {
			// What sales keep of the company: Baton's account takes it
			// over the people's values.
			facts := map[string]string{}
			for prop, attr := range hsCompanyAttrs {
				if v := found.Results[0].Properties[prop]; v != "" {
					facts[attr] = v
				}
			}
			if err := push.ReportFacts(ctx, facts); err != nil {
				return "", &push.Error{Connector: "hubspot", Message: "keeping the company's values: " + err.Error()}
			}
			return found.Results[0].ID, nil
		}
	}
	// A company sent before whose answer was lost may exist unseen by
	// search yet: wait for search rather than create a second one.
	prog := push.ProgressFrom(ctx)
	if sent, err := time.Parse(time.RFC3339Nano, prog.Step("company-sent")); err == nil && value != "" {
		if wait := sent.Add(noteIndexLag).Sub(h.now()); wait > 0 {
			return "", &push.Error{Connector: "hubspot", Code: "COMPANY_UNCONFIRMED", RetryAfter: min(wait, 15*time.Second),
				Message: "the company's answer was lost and search does not see it yet (its index lags): looking again before creating it again"}
		}
	}
	if err := prog.SaveStep(ctx, "company-sent", h.now().UTC().Format(time.RFC3339Nano)); err != nil {
		return "", &push.Error{Connector: "hubspot", Message: "recording the company about to be created: " + err.Error()}
	}
	props := map[string]string{"name": m.Name}
	if d := m.Domain(); d != "" {
		props["domain"] = d
	}
	for attr, p := range map[string]string{"industry": "industry", "country": "country", "website": "website"} {
		if v := m.Attributes[attr]; v != "" && props[p] == "" {
			props[p] = v
		}
	}
	status, body, hd, err := h.do(ctx, "POST", "/crm/v3/objects/companies", map[string]any{"properties": props})
	if err != nil {
		return "", err
	}
	if status != 201 && status != 200 {
		if status >= 400 && status < 500 { // HubSpot said no: nothing was created
			prog.SaveStep(ctx, "company-sent", "")
		}
		return "", h.hsError(status, body, hd)
	}
	var created struct {
		ID string `json:"id"`
	}
	json.Unmarshal(body, &created)
	if created.ID == "" {
		return "", &push.Error{Connector: "hubspot", Status: status, Message: "company created without an id"}
	}
	return created.ID, nil
}
