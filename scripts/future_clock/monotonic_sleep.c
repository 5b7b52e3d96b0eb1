/* Absolute sleeps on CLOCK_MONOTONIC go straight to the kernel.
 *
 * libfaketime 0.9.10 (Debian 12) with FAKETIME_DONT_FAKE_MONOTONIC=1 shifts the deadline of
 * clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) by the fake offset, so every time.sleep() of
 * Python 3.11 fails with EINVAL. The monotonic clock is not faked in that mode, so the deadline
 * the caller computed is already the kernel's: preloaded before libfaketime, this passes it on.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int clock_nanosleep(clockid_t clock_id, int flags, const struct timespec *request,
                    struct timespec *remain)
{
    static int (*next)(clockid_t, int, const struct timespec *, struct timespec *);
    if (clock_id == CLOCK_MONOTONIC && (flags & TIMER_ABSTIME)) {
        /* clock_nanosleep returns the error number instead of setting errno */
        long result = syscall(SYS_clock_nanosleep, clock_id, flags, request, remain);
        return result == 0 ? 0 : errno;
    }
    if (!next)
        next = dlsym(RTLD_NEXT, "clock_nanosleep");
    return next(clock_id, flags, request, remain);
}
