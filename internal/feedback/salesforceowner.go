package feedback

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/repnames"
	"github.com/baton-hq/baton/internal/textcut"
)

// salesforceOwners learns the name of the rep of each Salesforce verdict
// whose owner is a record id (a Change Data Capture event's OwnerId, a
// Flow sending $Record.OwnerId), the User's email or the queue's name, by
// which the reports and pages name the id (repnames): they listed
// "0055g00000AbCdEAAZ" for a sales manager to decode.
// A Flow that sends a name or an email is kept as it is. The batch's ids
// not remembered are read in one query (ownerTTL, as HubSpot's owners);
// the owner never holds an outcome back: when Salesforce refuses or fails
// to answer, the outcome is recorded under the id (logged; a refusal of
// the token is not asked again for refusalTTL; an org slower than
// ownerWait is a failure to answer).
func (h *Handler) salesforceOwners(ctx context.Context, vs []Verdict) {
	if h.SalesforceOwners == nil {
		return
	}
	h.flushNames(ctx)
	now := h.now()
	c := &h.owners
	var ask []string
	seen := map[string]bool{}
	for _, v := range vs {
		if id := v.Owner; v.Refused == "" && v.Unread == "" && repnames.SalesforceID(id) && !seen[id[:15]] {
			seen[id[:15]] = true
			if _, ok := c.name(sfKey(id), now); !ok {
				ask = append(ask, id)
			}
		}
	}
	if len(ask) > 0 && !h.refused("salesforce") {
		rctx, cancel := context.WithTimeout(ctx, ownerWait)
		names, err := h.SalesforceOwners.OwnerNames(rctx, ask)
		cancel()
		// The names read are kept even when a query failed: User's
		// answered before Group's refused.
		learned := map[string]string{}
		for _, id := range ask {
			switch name := textcut.Bytes(strings.TrimSpace(names[id]), 200); {
			case name != "":
				c.remember(sfKey(id), name, now.Add(ownerTTL))
				learned[sfKey(id)] = name
			case err == nil: // deleted, or not a User nor a queue
				c.remember(sfKey(id), id, now.Add(refusalTTL))
			}
		}
		h.learned(ctx, learned)
		var pe *push.Error
		switch {
		case err == nil:
		case errors.As(err, &pe) && pe.Code == "REQUEST_LIMIT_EXCEEDED":
			// The org's API allocation is spent (a 403 too): not asked
			// again for refusalTTL, so the names spend none of what
			// delivery needs.
			h.refuse("salesforce")
			h.Log.Warn("feedback salesforce: the org's API request limit is reached: outcomes are recorded under the owner id for now", "err", err)
		case errors.As(err, &pe) && (pe.Permanent || pe.Status == http.StatusUnauthorized || pe.Status == http.StatusForbidden):
			// The token refused (a revoked connected app) or the query
			// (no read of User): not asked again for refusalTTL.
			h.refuse("salesforce")
			h.Log.Warn("feedback salesforce: Salesforce refused to read the owners' names (the integration user needs to read User and Group): outcomes are recorded under the owner id", "err", err)
		default:
			if ctx.Err() == nil {
				h.Log.Error("feedback salesforce: reading the owners' names failed: outcomes of this request are recorded under the owner id", "owners", len(ask), "err", err)
			}
		}
	}
	// The outcome keeps the id and its key, by which the reports name
	// the rep (the name learned, a User's email, is kept once in
	// repnames, not in every person's stage history: qualify.Owner).
	for i := range vs {
		if id := vs[i].Owner; repnames.SalesforceID(id) {
			vs[i].OwnerKey = sfKey(id)
		}
	}
}

// sfKey is an owner id's key in the handler's memory and the store's:
// its 15 case-sensitive characters, which its 18-character form begins
// with.
func sfKey(id string) string { return repnames.Salesforce(id) }
