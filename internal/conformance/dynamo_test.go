package conformance

import (
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/table/tabletest"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// TestDynamo runs everything against moto's DynamoDB (native transactions),
// started single-threaded on loopback; under CI=true a missing moto fails.
func TestDynamo(t *testing.T) {
	tabletest.Run(t, func(t *testing.T, now func() time.Time) table.Table {
		// Small scan pages: ScanPage's cursor (LastEvaluatedKey) is
		// resumed from on a table of a few thousand tiny items too.
		return moto.NewTable(t, dynamotable.WithClock(now), dynamotable.WithScanLimit(100))
	}, suites()...)
}
