// Command score is the score Lambda function: it consumes the table's
// DynamoDB stream (filtered to events, visitor links and MQLs), scores
// people, raises MQLs and relays them to the push queue, reporting partial
// batch failures.
package main

import (
	"context"
	"errors"
	"os"

	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/lambdafn"
	"github.com/baton-hq/baton/internal/sqsrelay"
)

func main() {
	core.Start(func(c *core.Core) (any, error) {
		if c.Qualifier == nil {
			return nil, errors.New("config: BATON_RULES: the score function needs a rules file")
		}
		relay, err := sqsrelay.PushFromEnv(context.Background(), os.Getenv)
		if err != nil {
			return nil, err
		}
		c.Accounts.Send = relay.SendAccount                  // MQAs take the MQLs' queue
		c.Qualifier.Reinquired = relay.SendReinquiry         // so do forms sent after an MQL
		c.Qualifier.AttendanceChanged = relay.SendAttendance // and no-shows among an MQL's reasons
		return lambdafn.Score(c, relay.Send), nil
	})
}
