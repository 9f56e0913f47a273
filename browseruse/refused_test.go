package browseruse_test

import "syscall"

func syscallRefused() error { return syscall.ECONNREFUSED }
