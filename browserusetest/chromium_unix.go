//go:build unix && !linux

package browserusetest

import (
	"os/exec"
	"syscall"
)

// setProcessGroup starts Chromium in a process group of its own, which its
// helpers join, so that one signal kills them all.
func setProcessGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

// killGroup sends SIGKILL to the process group pgid.
func killGroup(pgid int) { _ = syscall.Kill(-pgid, syscall.SIGKILL) }

// killStragglers: without /proc, the group's signal is all Stop sends.
func killStragglers(int, string) {}
