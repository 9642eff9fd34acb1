package stack_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/repnames"
	"github.com/baton-hq/baton/internal/testutil/moto"
	linktoken "github.com/baton-hq/baton/internal/token"
)

// TestRepEmailErasedByEmail: the reports name a Salesforce or HubSpot
// owner id by the email the SFA gave for the rep, kept once per rep
// (REPNAME). A departed rep asking Baton to erase their email (DELETE
// /admin/people?email=) got a success while it stayed, and the disclosure
// by their email said Baton kept nothing of it. Both now find it: the
// disclosure shows it, the erasure removes it (the outcomes keep the id,
// named by it), and another rep's name stays; on the embedded store and
// on DynamoDB (moto).
func TestRepEmailErasedByEmail(t *testing.T) {
	t.Run("bolt", func(t *testing.T) { repEmailErasedByEmail(t, stack.ForTest(t, nil)) })
	t.Run("dynamodb", func(t *testing.T) {
		repEmailErasedByEmail(t, stack.ForTest(t, map[string]string{
			"BATON_STORE": "dynamodb", "BATON_TABLE": moto.TableName(), "BATON_DYNAMODB_ENDPOINT": moto.Shared(t),
			"BATON_LINK_KEYS": "k1:" + linktoken.NewSecret(),
		}))
	})
}

func repEmailErasedByEmail(t *testing.T, s *stack.Stack) {
	ctx := context.Background()
	const email = "departed.rep@acme.example"
	sf, hs := repnames.Salesforce("0055g00000DePaRAAA"), repnames.HubSpot("41629780")
	if err := repnames.Remember(ctx, s.App.Table, map[string]string{sf: "Departed.Rep@acme.example", hs: "staying.rep@acme.example"}); err != nil {
		t.Fatal(err)
	}
	code, b := admin_(t, s, "/admin/disclosure?email="+email, token)
	var d admin.Disclosure
	if code != 200 || json.Unmarshal(b, &d) != nil {
		t.Fatalf("disclosure: %d %s", code, b)
	}
	all, _ := json.Marshal(d.Items)
	if d.Counts["repname"] != 1 || !strings.Contains(string(all), "Departed.Rep@acme.example") || strings.Contains(string(all), "staying.rep") || !strings.Contains(d.About["repname"], "sales rep") {
		t.Errorf("disclosure: %s", b)
	}
	code, b = do(t, "DELETE", s.URL+"/admin/people?email="+email, token, "")
	var er struct{ Removed map[string]int }
	if code != 200 || json.Unmarshal(b, &er) != nil || er.Removed["repname"] != 1 {
		t.Errorf("erased %d %s", code, b)
	}
	n, err := repnames.Load(ctx, s.App.Table)
	if err != nil {
		t.Fatal(err)
	}
	if _, kept := n[sf]; kept || n[hs] != "staying.rep@acme.example" || len(n) != 1 {
		t.Errorf("names after the erasure: %v", n)
	}
	if code, b := admin_(t, s, "/admin/disclosure?email="+email, token); code != 404 {
		t.Errorf("after the erasure: %d %s", code, b)
	}
}
