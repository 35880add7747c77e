/* A program that uses an installed (or subproject) svcm: prints the version
 * and a Wilson interval, and fails if the header and library disagree. */
#include <stdio.h>

#include <svcm.h>

int main(void)
{
    if (svcm_version_number() != SVCM_VERSION_HEX) {
        fprintf(stderr, "header %s but library %s\n", SVCM_VERSION_STRING, svcm_version());
        return 1;
    }
    svcm_interval iv;
    int rc = svcm_wilson(81, 263, 0.95, &iv);
    if (rc != SVCM_OK) {
        fprintf(stderr, "svcm_wilson: %s\n", svcm_strerror(rc));
        return 1;
    }
    printf("svcm %s: Wilson 95%% interval of 81/263 = [%.4f, %.4f]\n", svcm_version(), iv.lo,
           iv.hi);
    return (iv.lo > 0.2552 && iv.lo < 0.2554 && iv.hi > 0.3661 && iv.hi < 0.3663) ? 0 : 1;
}
