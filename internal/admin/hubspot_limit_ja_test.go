package admin

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/push"
)

// HubSpot's 429 is recorded with the code "RATE_LIMIT:<policy>" (crm's
// hsError: RATE_LIMIT:DAILY, RATE_LIMIT:SECONDLY, or RATE_LIMIT: without a
// policy name). The code's colon keeps the Japanese page's pattern from
// reading the failure: marketing ops reads the generic "配信に失敗しました：
// hubspot: 429 RATE_LIMIT:DAILY: ..." in English, not that HubSpot's API
// limit was reached (as Salesforce's and kintone's 429s say).
func TestHubSpotRateLimitJapanese(t *testing.T) {
	p := page{L: "ja"}
	for _, policy := range []string{"DAILY", "SECONDLY", ""} {
		en := (&push.Error{Connector: "hubspot", Status: 429, Code: "RATE_LIMIT:" + policy, Message: "You have reached your daily limit."}).Error()
		got := p.Delivery(en)
		if !strings.HasPrefix(got, "HubSpot の API 利用上限に達しました（429 RATE_LIMIT:"+policy+"）") {
			t.Errorf("%q in Japanese:\n\t%s\nwant it to say HubSpot's API limit was reached (HubSpot の API 利用上限に達しました（429 RATE_LIMIT:%s）：...)", en, got, policy)
		}
	}
}
