// Package sales assembles the sales-outcome routes (POST
// /feedback/{source}, internal/feedback) on the core: the feedback
// function's part.
package sales

import (
	"errors"
	"net/http"
	"time"

	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/app/delivery"
	"github.com/baton-hq/baton/internal/feedback"
)

// New returns the feedback handler; nil without a rules file (outcomes
// move stages and recycle leads, which scoring owns).
func New(c *core.Core) *feedback.Handler {
	if c.Qualifier == nil {
		return nil
	}
	cfg := c.Config
	fb := cfg.File.Feedback
	h := &feedback.Handler{
		Apply: c.Qualifier, People: c.People, T: c.Table, PublicURL: cfg.PublicURL, Proxies: cfg.TrustProxy, Log: c.Log, Now: c.Now, Loc: c.Cal.Location(),
		SharedSecret: cfg.Secrets.FeedbackSecret, HubSpotClientSecret: cfg.Secrets.HubSpotClientSecret, KintoneToken: cfg.Secrets.KintoneWebhookToken,
		SalesforceOutboundToken: cfg.Secrets.SalesforceOutboundToken, SalesforceOrgID: fb.SalesforceOrgID,
		SalesforceStatus: fb.Salesforce, HubSpotValues: fb.HubSpot, KintoneStatus: fb.Kintone, KintoneField: fb.KintoneField, KintoneReason: fb.KintoneWhy, KintoneOwner: fb.KintoneOwner,
		KintoneDeal: feedback.KintoneDealFields{Amount: fb.KintoneAmount, Currency: fb.KintoneCurrency, CloseDate: fb.KintoneCloseDate},
	}
	if k := cfg.File.SFA.Kintone; k != nil {
		h.KintoneEmail, h.KintoneApp = k.EmailField, k.App
	}
	if s := cfg.File.SFA.Salesforce; s != nil {
		h.SalesforceKey = s.LeadKey // the field push upserts the Lead by names the person in feedback too
	}
	if sf := delivery.SalesforceConnector(cfg, c.Now); sf != nil {
		h.SalesforceOwners = sf // a CDC event names the rep by OwnerId
	}
	if hs := cfg.File.SFA.HubSpot; hs != nil && cfg.Secrets.HubSpotToken != "" {
		api := &feedback.HubSpotDeals{BaseURL: hs.BaseURL, Token: cfg.Secrets.HubSpotToken, Now: c.Now}
		if loc, err := time.LoadLocation(hs.TimeZone); err == nil && hs.TimeZone != "" {
			api.Loc = loc // its DAILY rate limit resets at its midnight (the connector's Validate refuses a bad name)
		}
		h.HubSpotDeals = api  // a deal's webhook names the deal alone
		h.HubSpotOwners = api // and no webhook names the rep
		h.HubSpotLabels = api // nor the label of the lead status sales chose
	}
	return h
}

// Handler assembles the /feedback routes on the core (the feedback
// function), which needs the rules file.
func Handler(c *core.Core) (http.Handler, error) {
	h := New(c)
	if h == nil {
		return nil, errors.New("config: BATON_RULES: the feedback function needs the rules file (recycling)")
	}
	mux := http.NewServeMux()
	h.Routes(mux)
	return c.Serve(mux), nil
}
