package account_test

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/account"
)

// TestStoredReasonReadsAtOnePrecision: an MQA stored before scores were
// said to one decimal ("account score 52.25") reaches sales in the
// summary as its score line says it (52.3), not with the old second
// decimal; the stored reason itself is left as written.
func TestStoredReasonReadsAtOnePrecision(t *testing.T) {
	m := account.MQA{ID: "a1-q1", Account: "a1", N: 1, Condition: "buying-group-active", Score: 52.25, Behaviour: 40.25, Fit: 12,
		Reasons: []string{"2 people active within 14 days (at least 2)", "account score 52.25"}}
	got := m.Summary()
	if !strings.Contains(got, "MQA (buying-group-active): 2 people active within 14 days (at least 2); account score 52.3\n") ||
		!strings.Contains(got, "Account score 52.3 (behaviour 40.3, fit 12)") || strings.Contains(got, "52.25") {
		t.Errorf("summary:\n%s", got)
	}
	if m.Reasons[1] != "account score 52.25" {
		t.Errorf("the stored reason was changed: %q", m.Reasons)
	}
}
