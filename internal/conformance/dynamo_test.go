package conformance

import (
	"testing"

	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/tabletest"
	"github.com/baton-hq/baton/internal/testutil/dynalite"
)

// TestDynamo runs everything against a real DynamoDB-API server (dynalite,
// started on loopback); under CI=true a missing dynalite fails the test.
func TestDynamo(t *testing.T) {
	tabletest.Run(t, func(t *testing.T) table.Table {
		return dynalite.NewTable(t)
	}, suites()...)
}
