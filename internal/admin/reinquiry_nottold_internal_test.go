package admin

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/push"
)

// TestJapaneseSaysWhyNotTold: a connector without the MQL's delivery record
// that found no record of the person records why the form sent after the
// MQL was not told (push.NotToldNoRecord); a Japanese page says it in
// Japanese, the connector by name.
func TestJapaneseSaysWhyNotTold(t *testing.T) {
	p := page{L: "ja"}
	got := p.Delivery((&push.Error{Connector: "salesforce", Message: push.NotToldNoRecord, Permanent: true}).Error())
	if !strings.Contains(got, "Salesforce") || !strings.Contains(got, "MQL の後に送信されたフォームを伝えていません") || strings.Contains(got, "no delivery record") {
		t.Errorf("ja: %q", got)
	}
}
