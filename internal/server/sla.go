package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
)

// Sweep runs the clock-driven work once: newsletter clicks whose visits
// are over are judged (click.Handler.Settle), SLA breaches are found and
// announced (once each). Retention is DynamoDB TTL on AWS and the local
// stack's purge.
func (a *App) Sweep(ctx context.Context) ([]qualify.Breach, error) {
	if a.Click != nil {
		if _, err := a.Click.Settle(ctx); err != nil {
			return nil, err
		}
	}
	if a.Qualifier == nil {
		return nil, nil
	}
	sla := a.Config.File.SLA
	return a.Qualifier.SweepSLA(ctx, time.Duration(sla.AcceptWithin), 90*24*time.Hour, a.announceBreach)
}

// announceBreach posts the breach to the SLA webhook, signed like every
// Baton webhook (Standard Webhooks, BATON_WEBHOOK_SECRET).
func (a *App) announceBreach(ctx context.Context, b qualify.Breach) error {
	url := a.Config.File.SLA.WebhookURL
	a.Log.Warn("SLA breach", "mql", b.MQL.ID, "age", b.Age.Round(time.Minute).String())
	if url == "" {
		return nil
	}
	key, err := push.Key(a.Config.WebhookSecret)
	if err != nil {
		return fmt.Errorf("BATON_WEBHOOK_SECRET: %w", err)
	}
	body, _ := json.Marshal(map[string]any{"type": "mql.sla_breached", "data": map[string]any{
		"mqlId": b.MQL.ID, "personId": b.MQL.Person, "email": b.MQL.Email, "qualifiedAt": b.MQL.At, "waitingFor": b.Age.Round(time.Minute).String(), "condition": b.MQL.Condition,
	}})
	now := a.Now()
	id := "sla-" + b.MQL.ID
	req, _ := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", push.Sign(key, id, now.Unix(), body))
	resp, err := (&http.Client{Timeout: 15 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("SLA webhook answered %d", resp.StatusCode)
	}
	return nil
}
