package crm_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// TestSalesforceOwnerNamesGroupRefused: the names are read in a query of
// User, then one of Group (queues). An integration user who may read
// User but not Group had the Group query refused, and the Users' names
// read before were lost with it: every outcome of the delivery went under
// its id. What was read is answered with the error.
func TestSalesforceOwnerNamesGroupRefused(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	f.Now = func() time.Time { return now }
	f.Users = map[string]map[string]any{"0055g00000AbCdEAAZ": {"Id": "0055g00000AbCdEAAZ", "Name": "田中 太郎", "Email": "tanaka@acme.example"}}
	f.Groups = map[string]map[string]any{"00G5g00000QueUeAAA": {"Id": "00G5g00000QueUeAAA", "Name": "インサイドセールス", "Type": "Queue"}}
	c := sf(f)
	c.Now = f.Now
	ids := []string{"0055g00000AbCdEAAZ", "00G5g00000QueUeAAA"}
	if got, err := c.OwnerNames(context.Background(), ids); err != nil || fmt.Sprint(got) != "map[0055g00000AbCdEAAZ:tanaka@acme.example 00G5g00000QueUeAAA:インサイドセールス]" {
		t.Fatalf("both readable: %v %v", got, err)
	}
	f.Unreadable = map[string]bool{"Group": true}
	got, err := c.OwnerNames(context.Background(), ids)
	var pe *push.Error
	if !errors.As(err, &pe) || pe.Code != "INVALID_TYPE" {
		t.Errorf("Group refused: err %v, want INVALID_TYPE", err)
	}
	if fmt.Sprint(got) != "map[0055g00000AbCdEAAZ:tanaka@acme.example]" {
		t.Errorf("Group refused: names %v, want the User's read before", got)
	}
}
