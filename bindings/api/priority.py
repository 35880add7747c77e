# The description of the priority engine's binding surface: WSJF and the
# dispatch Queue's lookups. Hand-written in bindings/python/py_priority.c and
# bindings/lua/lua_priority.c: everything that takes request dicts / tables
# or ITIL and grading tables (nested sequences or text), the quadrant
# functions (Python's Quadrant is a str subclass with .advice), the
# PriorityResult records (they carry a Quadrant and unpack as 4 fields; Lua
# counts their index from 1), prioritize()/classify() (the benchmarked fast
# path writes the result columns in place) and the Queue's constructor
# (options with an ITIL table), push/update and pop/peek; its type (saving,
# len, closing) is the managed-class runtime's, with a hand-written class
# table (svcmpy_class / svcmlua_class), because klass(free=...) needs a
# described constructor.
include("svcm/priority.h")
include("svcm/tier.h")
include("stdlib.h")
include("stdio.h")

helper("""
/* The Queue's class functions over void pointers, for the hand-written class
 * tables of both languages (py_priority.c, lua_priority.c declare them). */
void pri_queue_free(void *h);
int pri_queue_save(const void *h, unsigned char *b, size_t cap, size_t *n);
int pri_queue_load(const unsigned char *b, size_t n, void **out, svcm_error *err);
uint64_t pri_queue_count(const void *h);
void pri_queue_free(void *h) { svcm_pqueue_free(h); }
int pri_queue_save(const void *h, unsigned char *b, size_t cap, size_t *n)
{
    return svcm_pqueue_save(h, b, cap, n);
}
int pri_queue_load(const unsigned char *b, size_t n, void **out, svcm_error *err)
{
    svcm_pqueue *q = NULL;
    int rc = svcm_pqueue_load(b, n, NULL, &q, err);
    *out = q;
    return rc;
}
uint64_t pri_queue_count(const void *h) { return svcm_pqueue_size(h); }

/* A wsjf_order() row: the input position, the id and its WSJF. */
struct pri_wsjf_rank {
    int64_t order;
    int64_t id;
    double wsjf;
};

/* A queued request with its tier widened to int, for the name field. */
struct pri_request_view {
    svcm_request r;
    int tier;
};

/* An InvalidInput status naming field. */
static int pri_invalid(svcm_error *err, const char *field, const char *msg)
{
    err->code = SVCM_EINVAL;
    err->field = field;
    snprintf(err->message, sizeof err->message, "%s", msg);
    return SVCM_EINVAL;
}

/* The WSJF item of row i of the four broadcast columns. */
static svcm_wsjf_item pri_wsjf_item(const double *const c[4], size_t i, int64_t id)
{
    svcm_wsjf_item it = {id, c[0][i], c[1][i], c[2][i], c[3][i]};
    return it;
}
""")

record("WsjfRank", "struct pri_wsjf_rank", "A wsjf_order() row: highest WSJF first.", [
    ("order", "i64", "position of the item in the input"),
    ("id", "i64", "the item's id (its position when no ids were given)"),
    ("wsjf", "f64", "its WSJF"),
])
record("Request", "struct pri_request_view", "A queued request.", [
    ("id", "i64", "the request's id", "r.id"),
    ("tier", "name:svcm_tier_name", "customer tier name", "tier"),
    ("impact", "name:svcm_impact_name", "impact scope name", "r.impact"),
    ("severity", "int", "1 (critical) .. 4 (minor)", "r.severity"),
    ("value", "f64", "business value on 0..1", "r.value"),
    ("created", "i64", "instant the request was raised", "r.created"),
    ("due", "i64?", "due instant, or None (absent in Lua) when it has none", "r.due"),
    ("urgent", "bool", "explicit urgent flag", "r.urgent"),
], as_dict=True)

WSJF = ["business_value: f64v", "time_criticality: f64v", "risk_reduction: f64v",
        "job_size: f64v"]
COLS = "const double *const c[4] = {business_value, time_criticality, risk_reduction, job_size};\n"
function("wsjf",
         "Weighted Shortest Job First (SAFe): (business value + time criticality +\n"
         "risk reduction/opportunity enablement) / job size. Numbers give a float;\n"
         "parallel sequences or buffers give an svcm.Column (numbers broadcast).",
         WSJF, "f64v", COLS + """for (size_t i = 0; rc == SVCM_OK && i < rows_n; i++) {
    svcm_wsjf_item it = pri_wsjf_item(c, i, 0);
    rc = svcm_wsjf_batch(&it, 1, &out[i], &err); /* names the field at fault */
    err.index = rows_n > 1 ? i : SVCM_NO_INDEX;
}""")
function("wsjf_order",
         "Items by WSJF, highest first; ties go to the smaller job, then the\n"
         "smaller id, then input position. ids default to the positions (from 0).\n"
         "The result is an svcm.Table with columns order (int64 input positions),\n"
         "id (int64) and wsjf (float64); its rows are WsjfRank records.",
         WSJF + ["ids: i64s?"], "WsjfRank[]", COLS + """svcm_wsjf_item *items = malloc((rows_n ? rows_n : 1) * sizeof *items);
size_t *order = malloc((rows_n ? rows_n : 1) * sizeof *order);
double *scores = malloc((rows_n ? rows_n : 1) * sizeof *scores);
if (items == NULL || order == NULL || scores == NULL) {
    rc = SVCM_ENOMEM;
} else if (has_ids && ids_n != rows_n) {
    rc = pri_invalid(&err, "ids", "ids differ in length from the values");
} else {
    for (size_t i = 0; i < rows_n; i++)
        items[i] = pri_wsjf_item(c, i, has_ids ? ids[i] : (int64_t)i);
    rc = svcm_wsjf_order(items, rows_n, NULL, order, scores, &err);
}
for (size_t i = 0; rc == SVCM_OK && i < rows_n; i++) {
    out[i].order = (int64_t)order[i];
    out[i].id = items[order[i]].id;
    out[i].wsjf = scores[order[i]];
}
free(items);
free(order);
free(scores);""")

klass("Queue", "svcm_pqueue",
      "A dispatch queue: a heap of requests ordered by their score at the\n"
      "queue's instant, with update and remove by id. pop(now) and peek(now)\n"
      "re-score everything when now changes, so successive pops at one instant\n"
      "come out exactly as prioritize() would order them. Options as for\n"
      "prioritize(). len(q) is the number of requests; 'id in q' tests one.",
      """def __init__(self, **options: Any) -> None: ...
def push(self, item: Optional[Mapping[str, Any]] = ..., **fields: Any) -> None: ...
def update(self, item: Optional[Mapping[str, Any]] = ..., **fields: Any) -> None: ...
def pop(self, now: int) -> PriorityResult: ...
def peek(self, now: int) -> PriorityResult: ...
def to_bytes(self) -> bytes: ...
@classmethod
def from_bytes(cls, b: Union[bytes, bytearray, memoryview], /) -> Queue: ...
def __reduce__(self) -> tuple[object, ...]: ...  # pickle, copy: through the saved form
def __len__(self) -> int: ...
def __contains__(self, id: object) -> bool: ...
""")
for name, doc, call in (
        ("remove", "Remove a request by id and return it. NotFound if absent.",
         "rc = svcm_pqueue_remove(self, id, &out.r);"),
        ("get", "The queued request with that id. NotFound if absent.",
         "rc = svcm_pqueue_get(self, id, &out.r);")):
    method("Queue", name, doc, ["id: i64"], "Request", call + "\nout.tier = (int)out.r.tier;",
           fast=True)
method("Queue", "rescore", "Re-score every request at instant now (O(n)).", ["now: i64"], "none",
       "svcm_pqueue_rescore(self, now);", fast=True)
getter("Queue", "instant", "i64", "The instant the queue's order was scored at.",
       "out = svcm_pqueue_instant(self);")
