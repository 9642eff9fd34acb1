package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/stdwebhook"
)

// salesforce is the Salesforce connector sfa.salesforce configures (not
// validated).
func salesforce(cfg *config.Config, now func() time.Time) *crm.Salesforce {
	s, sec := cfg.File.SFA.Salesforce, cfg.Secrets
	c := &crm.Salesforce{LoginURL: s.LoginURL, TokenURL: s.TokenURL, JWTAudience: s.JWTAudience, ClientID: s.ClientID, ClientSecret: sec.SalesforceClientSecret, Username: s.Username,
		PrivateKeyPEM: sec.SalesforcePrivateKey, APIVersion: s.APIVersion, LeadKey: s.LeadKey, TaskKey: s.TaskKey, AccountKey: s.AccountKey, Fields: s.Fields,
		MatchByEmail: s.MatchByEmail == nil || *s.MatchByEmail, DuplicateRuleHeader: s.DuplicateRuleHeader, Picklists: s.Picklists, NoRating: s.Rating != nil && !*s.Rating, Now: now}
	c.LeadStatus, c.KeepLeadStatus = leadStatus(s.LeadStatus)
	return c
}

// SalesforceConnector is the configured Salesforce connector, for what
// else reads the org (feedback names owners with it); nil when
// sfa.salesforce is absent or invalid (delivery refuses to start then).
func SalesforceConnector(cfg *config.Config, now func() time.Time) *crm.Salesforce {
	if cfg.File.SFA.Salesforce == nil {
		return nil
	}
	c := salesforce(cfg, now)
	if c.Validate() != nil {
		return nil
	}
	return c
}

// connectors builds the configured SFA connectors, refusing a half
// configured one with the setting it lacks.
func connectors(cfg *config.Config, now func() time.Time, loc *time.Location) ([]push.Connector, error) {
	var out []push.Connector
	sec := cfg.Secrets
	if cfg.File.SFA.Salesforce != nil {
		c := salesforce(cfg, now)
		if err := c.Validate(); err != nil {
			return nil, &config.Error{Setting: "BATON_CONFIG sfa.salesforce", Problem: err.Error()}
		}
		out = append(out, c)
	}
	if h := cfg.File.SFA.HubSpot; h != nil {
		c := &crm.HubSpot{BaseURL: h.BaseURL, Token: sec.HubSpotToken, Fields: h.Fields, KeepLifecycle: h.SetLifecycle != nil && !*h.SetLifecycle,
			LifecycleOrder: h.LifecycleOrder, TimeZone: h.TimeZone, Now: now}
		c.LeadStatus, c.KeepLeadStatus = leadStatus(h.LeadStatus)
		if err := c.Validate(); err != nil {
			setting := "BATON_CONFIG sfa.hubspot"
			if sec.HubSpotToken == "" {
				setting = "BATON_HUBSPOT_TOKEN"
			}
			return nil, &config.Error{Setting: setting, Problem: err.Error()}
		}
		out = append(out, c)
	}
	if k := cfg.File.SFA.Kintone; k != nil {
		c := &crm.Kintone{BaseURL: k.BaseURL, App: k.App, APIToken: sec.KintoneAPIToken, EmailField: k.EmailField, Fields: k.Fields,
			AccountApp: k.AccountApp, AccountKeyField: k.AccountKeyField, AccountFields: k.AccountFields, StatusField: cfg.File.Feedback.KintoneField, OwnerField: cfg.File.Feedback.KintoneOwner, Loc: loc, Now: now, Comment: k.Comment}
		for _, m := range k.CommentMentions {
			c.CommentMentions = append(c.CommentMentions, crm.KintoneMention{Code: m.Code, Type: m.Type})
		}
		c.LeadStatus, c.KeepLeadStatus = leadStatus(k.LeadStatus)
		if err := c.Validate(); err != nil {
			return nil, &config.Error{Setting: "BATON_CONFIG sfa.kintone", Problem: err.Error()}
		}
		out = append(out, c)
	}
	if cfg.WebhookURL != "" {
		if _, err := stdwebhook.Key(cfg.WebhookSecret); err != nil {
			return nil, &config.Error{Setting: "BATON_WEBHOOK_SECRET", Problem: err.Error()}
		}
		out = append(out, &crm.Webhook{URL: cfg.WebhookURL, Secret: cfg.WebhookSecret, Now: now, Loc: loc})
	}
	return out, nil
}

// leadStatus reads an SFA's lead_status: unset, the SFA's default (""),
// an empty value keeps the status as sales set it.
func leadStatus(v *string) (status string, keep bool) {
	if v == nil {
		return "", false
	}
	return *v, *v == ""
}

// checkConnectors asks each connector that can (kintone: its update key
// field) whether the SFA is set up for it. A definite problem stops
// start-up naming it; an SFA that cannot be reached now only warns, since
// deliveries wait for it anyway.
func checkConnectors(ctx context.Context, cs []push.Connector, log *slog.Logger) error {
	type checker interface {
		Check(ctx context.Context) error
	}
	for _, c := range cs {
		ch, ok := c.(checker)
		if !ok {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := ch.Check(cctx)
		cancel()
		var pe *push.Error
		switch {
		case err == nil:
		case errors.As(err, &pe) && !pe.Permanent:
			log.Warn("connector check: the SFA could not be asked; deliveries wait for it", "connector", c.Name(), "err", err)
		default:
			return &config.Error{Setting: "BATON_CONFIG sfa." + c.Name(), Problem: err.Error()}
		}
	}
	return nil
}

// tellConnectors passes an erasure on to every connector that can forget,
// saying what each answered. A receiver of a notice (ErasureNotice) is
// told only when reached says it was handed the person (nil: always). A
// connector that forgets by record (recordForgetter) is handed the
// person's deliveries to it (delivered; nil: none): the erasure tells the
// SFAs before anything is deleted, so they are all still there.
func tellConnectors(cs []push.Connector, reached func(ctx context.Context, personID, email, connector string) (bool, error),
	delivered func(ctx context.Context, personID, connector string) ([]push.Delivery, error)) func(ctx context.Context, personID, email string) (privacy.Told, error) {
	return func(ctx context.Context, personID, email string) (privacy.Told, error) {
		told := privacy.Told{}
		for _, c := range cs {
			if _, isNotice := c.(notice); isNotice && reached != nil {
				ok, err := reached(ctx, personID, email, c.Name())
				if err != nil {
					return told, fmt.Errorf("%s: %w", c.Name(), err)
				}
				if !ok {
					told[c.Name()] = privacy.Answer{Skipped: "never sent the person: not told (the notice would hand it their email)"}
					continue
				}
			}
			var ds []push.Delivery
			if _, byRecord := c.(recordForgetter); byRecord && delivered != nil {
				var err error
				if ds, err = delivered(ctx, personID, c.Name()); err != nil {
					return told, fmt.Errorf("%s: the person's deliveries: %w", c.Name(), err)
				}
			}
			a, ok, err := forgetOne(ctx, c, personID, email, ds)
			if err != nil {
				return told, fmt.Errorf("%s: %w", c.Name(), err)
			}
			if ok {
				told[c.Name()] = a
			}
		}
		return told, nil
	}
}

// notice is a connector whose Forget is a notice to a receiver keeping
// its own copy (crm.Webhook.ErasureNotice).
type notice interface{ ErasureNotice() }

// recordForgetter is a connector that forgets a person by the records
// Baton delivered them to as well as by their email (crm.HubSpot: a
// contact HubSpot refused the address of has none to be found by). ds
// are the person's deliveries to it (push.Delivery: ExternalID, Steps).
type recordForgetter interface {
	ForgetDelivered(ctx context.Context, personID, email string, ds []push.Delivery) error
}

// forgetAt passes an erasure on to one connector, if it can forget: the
// person erased during a delivery to it, ds what that delivery made
// (push.Worker.TellForget; its record was never kept).
func forgetAt(ctx context.Context, c push.Connector, personID, email string, ds []push.Delivery) error {
	_, _, err := forgetOne(ctx, c, personID, email, ds)
	return err
}

// forgetOne tells one connector to forget a person: its answer, and
// whether it can forget at all. One that forgets by record is handed ds,
// the person's deliveries to it. A receiver of a notice (the webhook:
// ErasureNotice) that refused it (a permanent failure) is that answer,
// not an error: it was told, and telling it again would change nothing.
func forgetOne(ctx context.Context, c push.Connector, personID, email string, ds []push.Delivery) (privacy.Answer, bool, error) {
	type forgetter interface {
		Forget(ctx context.Context, personID, email string) error
	}
	f, ok := c.(forgetter)
	if !ok {
		return privacy.Answer{}, false, nil
	}
	var err error
	if rf, byRecord := c.(recordForgetter); byRecord {
		err = rf.ForgetDelivered(ctx, personID, email, ds)
	} else {
		err = f.Forget(ctx, personID, email)
	}
	var pe *push.Error
	if _, isNotice := c.(notice); isNotice && errors.As(err, &pe) && pe.Permanent {
		return privacy.Answer{Status: pe.Status, Error: pe.Message}, true, nil
	}
	if err != nil {
		return privacy.Answer{}, true, err
	}
	return privacy.Answer{Acknowledged: true}, true, nil
}
