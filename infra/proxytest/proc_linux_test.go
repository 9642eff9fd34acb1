package proxytest_test

import (
	"os/exec"
	"syscall"
)

// dieWithTest makes a proxy end with the test binary, even if it is killed.
func dieWithTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
