// Command sweep is the scheduled function: it finds MQLs sales have not
// accepted within the SLA and announces each breach once.
package main

import (
	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/app/web"
	"github.com/baton-hq/baton/internal/lambdafn"
)

func main() {
	core.Start(func(c *core.Core) (any, error) {
		// The click handler judges newsletter clicks whose visits are over.
		if _, err := web.New(c); err != nil {
			return nil, err
		}
		return lambdafn.Sweep(c), nil
	})
}
