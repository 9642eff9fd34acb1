package feedback

import (
	"encoding/json"
	"fmt"
	"time"
)

// sfTimeLayouts are the ways Salesforce writes a datetime: RFC 3339 (a Flow's
// own serialisation, EventBridge), the REST API's and Apex's offset without
// a colon (2026-12-01T01:00:00.000+0000), and a formula's TEXT() of one
// ("2026-12-01 01:00:00Z"). Fractional seconds are read whatever the layout.
var sfTimeLayouts = []string{time.RFC3339, "2006-01-02T15:04:05-0700", "2006-01-02 15:04:05Z07:00"}

// sfTime is a datetime an SFA sent, in any of sfTimeLayouts; null or ""
// is none (the zero time: apply dates it when received).
type sfTime struct{ time.Time }

func (t *sfTime) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a time must be a string such as 2026-12-01T10:00:00+09:00, not %s", b)
	}
	if s == nil || *s == "" {
		t.Time = time.Time{}
		return nil
	}
	p, err := parseSFTime(*s)
	t.Time = p
	return err
}

func parseSFTime(s string) (time.Time, error) {
	for _, l := range sfTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q must be a date and time with its offset, such as 2026-12-01T10:00:00+09:00 or 2026-12-01T01:00:00.000+0000", s)
}
