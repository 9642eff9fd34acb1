package stack_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/crm/crmfake"
)

// TestDeliveryFailureInJapaneseInChromium: Salesforce (its fake) refuses
// a lead (a restricted picklist), so the hand-off is dead. In Chromium the
// person page, the MQL list's chip and its dead letter say so in Japanese
// for a browser that asks for it, Salesforce's own code and message kept
// as Salesforce wrote them; in English as the push worker words it, but
// for Salesforce, named as it spells itself. Every page fits 1,280 and
// 390 px.
func TestDeliveryFailureInJapaneseInChromium(t *testing.T) {
	needChromium(t, "the workspace must be tested in a browser in CI")
	dir := t.TempDir()
	shots := screenshotDir(dir)
	f := crmfake.NewSalesforce()
	defer f.Close()
	f.Picklists = map[string][]string{"Title": {"部長", "課長"}}
	cfg := filepath.Join(dir, "baton.yaml")
	os.WriteFile(cfg, []byte("timezone: Asia/Tokyo\nsfa:\n  salesforce:\n    login_url: "+f.URL+"\n    client_id: "+f.ClientID+
		"\n    lead_key: Baton_Person_Id__c\n    task_key: Baton_MQL_Id__c\n    fields: {title: Title}\n"), 0o600)
	s := stack.ForTest(t, map[string]string{"BATON_CONFIG": cfg, "BATON_SALESFORCE_CLIENT_SECRET": f.ClientSecret})
	p := qualifyOne(t, s, "df-1", "refused@maker.example") // title 購買部長: not in the picklist
	deliver(t, s, func() bool {
		code, b := do(t, "GET", s.URL+"/admin/mqls/"+p+"-c1/deliveries", token, "")
		return code == 200 && strings.Contains(string(b), `"status":"dead"`)
	})

	cmd := exec.Command("node", "../../../tag/browser/delivery.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL+"/admin/", "TOKEN="+token, "SHOTS="+shots, "PERSON="+p)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("delivery.mjs: %v %s", err, out)
	}
	var res struct {
		Errors   []string
		Overflow map[string][]any
		JA, EN   struct{ Person, MQLs, Chip string }
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	const sf = "Title: bad value for restricted picklist field: 購買部長 (Title)" // Salesforce's words
	ja := "Salesforce が拒否しました（400 INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST）：" + sf
	if !strings.Contains(res.JA.Person, ja) || !strings.Contains(res.JA.MQLs, ja) || res.JA.Chip != ja || strings.Contains(res.JA.Person, "salesforce: 400") || !strings.Contains(res.JA.Person, "Salesforce：断念") {
		t.Errorf("Japanese pages:\nperson: %s\nmqls: %s\nchip: %s", res.JA.Person, res.JA.MQLs, res.JA.Chip)
	}
	en := "Salesforce: 400 INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: " + sf
	if !strings.Contains(res.EN.Person, en) || !strings.Contains(res.EN.MQLs, en) || res.EN.Chip != en || strings.Contains(res.EN.Person+res.EN.MQLs, "salesforce") {
		t.Errorf("English pages:\nperson: %s\nmqls: %s\nchip: %s", res.EN.Person, res.EN.MQLs, res.EN.Chip)
	}
	for name, over := range res.Overflow {
		if len(over) > 0 {
			t.Errorf("%s does not fit: %v", name, over)
		}
	}
	if len(res.Overflow) != 4 || len(res.Errors) > 0 {
		t.Errorf("pages measured %v, console errors %v", res.Overflow, res.Errors)
	}
}
