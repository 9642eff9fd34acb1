package conformance

import (
	"github.com/baton-hq/baton/internal/audit/audittest"
	"github.com/baton-hq/baton/internal/eventlog/eventlogtest"
	"github.com/baton-hq/baton/internal/identity/identitytest"
	"github.com/baton-hq/baton/internal/privacy/privacytest"
	"github.com/baton-hq/baton/internal/qualify/qualifytest"
	"github.com/baton-hq/baton/internal/queue/queuetest"
	"github.com/baton-hq/baton/internal/table/tabletest"
)

// suites lists every repository suite; add new ones here.
func suites() []tabletest.Suite {
	return []tabletest.Suite{
		identitytest.Suite(),
		queuetest.Suite(),
		privacytest.Suite(),
		privacytest.ConsentSuite(),
		privacytest.EdgesSuite(),
		qualifytest.Suite(),
		qualifytest.SLASuite(),
		qualifytest.DealSuite(),
		audittest.Suite(),
		eventlogtest.Suite(),
	}
}
