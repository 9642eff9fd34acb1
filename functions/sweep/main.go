// Command sweep is the scheduled function: it finds MQLs sales have not
// accepted within the SLA and announces each breach once.
package main

import (
	"github.com/baton-hq/baton/internal/lambdafn"
	"github.com/baton-hq/baton/internal/server/core"
)

func main() {
	core.Start(func(c *core.Core) (any, error) { return lambdafn.Sweep(c), nil })
}
