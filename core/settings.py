"""One Settings object for every process (API, worker, scheduler, replicas).

Values come from the environment with the ``OPC_`` prefix (``OPC_DATA_DIR``, ``OPC_REDIS_URL`` ...).
Secrets have no default: the vault key and the cookie-signing key are read from the environment or,
on first run, generated into the data dir with 0600 permissions (see ``rpa.vault`` and ``api.auth``).
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from core.storage import Storage

# Real back-ends. Sandbox mode swaps each for its local replica (see ``site_base_url``).
REAL_BASE_URLS = {
    "xiaohongshu": "https://creator.xiaohongshu.com",
    "douyin": "https://creator.douyin.com",
    "taobao": "https://item.upload.taobao.com",
    "etax": "https://etax.chinatax.gov.cn",
}

# Playwright's own --disable-features list (playwright-core's chromiumSwitches), for the version pinned.
PLAYWRIGHT_DISABLED_FEATURES = [
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding", "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect", "TcpPortRandomizationWin", "OptimizationHints",
    "NetworkTimeServiceQuerying", "AimEnabled", "PreconnectToSearch", "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
]
OUR_DISABLED_FEATURES = [
    # Chromium's own calls home (autofill field types): not the page's, and never useful here.
    "AutofillServerCommunication",
    # The address bar's drop-downs are WebUI pages that Chromium renders for every window, headless too: the
    # first costs ~0.5 CPU-second per launch, the second (the AI-mode one) ~0.4 per context, so per run, for
    # a bar nobody sees (measured in docs/benchmarks.md).
    "WebUIOmniboxPopup", "WebUIOmniboxAimPopup",
    # A page's RTCPeerConnection made Chromium join the mDNS group (224.0.0.251) to announce .local names for
    # its host candidates: IGMP reports onto the owner's network. There are no host candidates to hide (only
    # proxied UDP is allowed, see below), so this only sent packets (tests/test_fence_dns.py).
    "WebRtcHideLocalIpsWithMdns",
]

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Chromium keeps only the last --disable-features it is given, and ours comes after Playwright's: so ours
    # must carry Playwright's list too, or its fixes (calls to Google at start, HTTPS upgrades of the
    # replicas' http URLs, paint holding) are silently dropped. tests/test_chromium_flags.py checks the merge.
    "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + OUR_DISABLED_FEATURES),
    # WebRTC's UDP goes around any proxy, so around the host fence: only proxied UDP is allowed, and the
    # fence's proxy carries none. A page cannot reach a STUN/TURN server or leak the machine's addresses.
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
]


def resolver_rules(hosts: Iterable[str]) -> str:
    """Chromium's flag that lets it look up ``hosts`` (ports dropped) and no other name.

    Chromium looks names up for itself as well (Google's update and sign-in hosts, seen by
    tests/test_fence_dns.py), and a DNS query alone tells the network what the browser is about. Every name
    a page uses off its site's allowlist goes unresolved to the fence's proxy; so the only names a worker's
    browser needs are the hosts some site's pages reach directly. One browser serves every site's runs, so
    the rule carries all sites' hosts; the fence's per-context proxy still keeps each run to its own.
    """
    names = sorted({urlsplit("//" + h).hostname or h for h in hosts})
    return "--host-resolver-rules=MAP * ~NOTFOUND" + "".join(f", EXCLUDE {n}" for n in names)


FENCE_PROXY_HOST = "127.0.0.1"  # the fence's proxy (rpa.fence): a mapped IP literal is not found either
LOCAL_ONLY_RESOLVER = resolver_rules([FENCE_PROXY_HOST, "localhost"])


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPC_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str | None = None
    """SQLAlchemy URL; defaults to SQLite in the data dir. A postgresql+psycopg:// URL works too."""
    checkpoint_url: str | None = None
    """LangGraph checkpointer: a SQLite file path or a postgres:// URL. Default: the main database if it is
    Postgres, else a SQLite file in the data dir."""
    redis_url: str = "redis://127.0.0.1:6379/0"
    vault_keys: SecretStr | None = None
    """Comma-separated Fernet keys, newest first (MultiFernet rotation). None: a key file in the data dir."""
    secret_key: SecretStr | None = None
    """Signs the owner's login cookie. None: generated into the data dir on first run."""
    storage_url: str | None = None
    """Where screenshots, uploads and sessions live (``core.storage``): None, the data dir; or an
    S3-compatible store, ``s3://bucket/prefix?endpoint=http://host:9000&region=cn-north-1``, which web and
    workers on different hosts share. Needs ``vault_keys`` set (every host must open the same sessions)."""
    storage_access_key_id: str | None = None
    storage_secret_access_key: SecretStr | None = None
    """The store's credentials; None: boto3's own chain (AWS_ACCESS_KEY_ID …, an instance role)."""

    timezone: str = "Asia/Shanghai"
    sandbox: bool = False
    """Sandbox mode: adapters talk to the local replicas instead of the real sites."""
    sandbox_host: str = "127.0.0.1"
    sandbox_ports: dict[str, int] = Field(default_factory=lambda: {"xiaohongshu": 8601, "douyin": 8602,
                                                                   "taobao": 8603, "etax": 8604})
    base_urls: dict[str, str] = Field(default_factory=dict)
    """Per-site override of the base URL (wins over sandbox and real defaults)."""

    chromium_path: str = "/usr/bin/chromium"
    browser_timeout_ms: int = 30_000
    upload_timeout_ms: int = 120_000

    job_timeout_s: int = 600
    approval_timeout_h: int = 48
    login_timeout_s: int = 300
    code_timeout_s: int = 300
    """How long a worker keeps the page open waiting for the owner to type a code the site sent."""
    transient_retries: int = 3
    retry_backoff_s: list[int] = Field(default_factory=lambda: [5, 30, 120])
    """Delay before each retry of a transient failure; its length caps the retries too."""
    lease_s: int = 60
    """A running run's lease; a worker renews it while alive. An expired lease means the worker died."""
    late_grace_min: int = 30
    """A timed run (a post or listing at a set time, a schedule's slot) that starts later than its time by at
    most this many minutes still goes ahead, with a note saying how late; later than that it fails with a
    reason and nothing is done (docs/architecture.md, "Timed posts")."""
    listing_pace_s: int = 20
    """Seconds between the runs of one imported product file (risk control flags bursts of listings)."""
    scheduler_tick_s: float = 2.0
    nightly_collections: bool = True
    """Whether the scheduler reads every account's numbers each night (``graphs.collect.schedule``); off, the
    numbers are read only when the owner asks. The tests turn it off outside the collection stories: a stack
    started between 02:00 and 03:00 Shanghai time would otherwise read its new accounts' data pages mid-test."""
    session_check_every_min: float = 240.0
    """Every account's saved session is looked at this often (plus up to a fifth at random, so accounts and
    sites are not read in lockstep) by a light read-only job (``health``, docs/session-health.md)."""
    session_check_lead_min: float = 60.0
    """And once more this long before each of its timed runs, so the owner has time to scan a new QR."""
    session_check_retry_min: float = 5.0
    """A check that could tell nothing (network error) or found the account busy is tried again this much later."""
    parse_workers: int = 1
    """Processes the web server reads uploaded documents and sheets in (``core.offload``), started on first use."""
    parse_limit_s: float = 30.0
    """Wall time one upload's reading may take; past it the reading is killed and the upload refused."""
    queue_name: str = "runs"
    runs_per_workspace: int = Field(default=8, ge=1)
    """Runs of one workspace in flight at once (a job waiting in the queue, or a run a worker holds); its other
    ready runs wait their turn, taken round-robin with other workspaces' (``core.fairshare``)."""
    runs_per_worker: int = Field(default=1, ge=1)
    """Runs one worker process takes at once. 1: one run at a time on the worker's own warm Chromium. More:
    that many RQ workers on threads of one process, sharing one Chromium, each run in its own context
    (``rpa.shared``; measured in docs/benchmarks.md, shared_browser_bench)."""
    keep_filled_s: float = Field(default=300.0, ge=0)
    """How long a worker keeps a paused run's filled form open for the owner's approval (``rpa.parking``): an
    approval within it presses at once; a later one fills the form again. 0: never kept."""
    keep_filled_max: int = Field(default=4, ge=0)
    """Filled forms one worker process keeps open at once (each costs a renderer, about 50 MiB); the oldest
    goes first."""
    worker_nice: int = Field(default=10, ge=0, le=19)
    """How much lower a worker's CPU priority is (``nice``; its Chromium inherits it) than the web's and the
    scheduler's. Browsers are batch work: on a busy box the owner's pages and a 10:00 post's start come
    first, and a worker loses nothing when nothing else wants the CPU (scheduler_bench, docs/benchmarks.md)."""

    # Pushes to the owner (core.notify): a group-bot webhook; its URL is its key, so it is a secret.
    notify_webhook_url: SecretStr | None = None
    notify_format: Literal["wecom", "feishu", "json"] = "wecom"
    """wecom: 企业微信 and 钉钉 group bots (same text message shape); feishu: 飞书; json: {"text", "url"}."""
    public_url: str | None = None
    """The service's address as the owner's phone reaches it, for links in pushes (none: text only)."""

    # The language model: any OpenAI-compatible endpoint (presets in docs/llm.md). No model: offline writer.
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str | None = None
    llm_timeout_s: float = 60.0
    llm_max_retries: int = 2
    """Retries of transient model errors (timeouts, 429, 5xx); never of a refused request."""
    llm_price_in_per_mtok: float = 0.0
    llm_price_out_per_mtok: float = 0.0
    """Price in yuan per million input / output tokens, for the per-run cost record and the errand's cost cap."""
    agent_max_cost_yuan: float = Field(default=5.0, ge=0, le=1000)
    """An errand's model cost cap per run, in yuan, for employees whose owner has not set one (单次费用上限); 0: no
    cap. Applied only when the model has a price."""

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'opc.db').resolve()}"

    @property
    def checkpoint_target(self) -> str:
        """Where LangGraph keeps a run's paused graph: the main database when that is Postgres (so several
        hosts share it), else a SQLite file beside the main one."""
        if self.checkpoint_url:
            return self.checkpoint_url
        if self.database_url and self.database_url.startswith(("postgres://", "postgresql")):
            return "postgresql://" + self.database_url.split("://", 1)[1]  # libpq takes no "+driver"
        return str((self.data_dir / "checkpoints.db").resolve())

    def site_base_url(self, site: str) -> str:
        if site in self.base_urls:
            return self.base_urls[site].rstrip("/")
        if self.sandbox:
            return f"http://{self.sandbox_host}:{self.sandbox_ports[site]}"
        return REAL_BASE_URLS[site]

    def chromium_args(self, reachable_hosts: Iterable[str] = ()) -> list[str]:
        """Chromium's flags; ``reachable_hosts`` are the names it may look up (``sites.reachable_hosts``)
        besides the fence's proxy, and in sandbox mode ``localhost``."""
        hosts = [*reachable_hosts, FENCE_PROXY_HOST, *(("localhost",) if self.sandbox else ())]
        return [*CHROMIUM_FLAGS, resolver_rules(hosts)]

    @cached_property
    def paths(self) -> "DataPaths":
        return DataPaths(self.data_dir)

    @cached_property
    def storage(self) -> "Storage":
        from core.storage import open_storage

        secret = self.storage_secret_access_key
        return open_storage(self.storage_url, self.data_dir, self.storage_access_key_id,
                            secret.get_secret_value() if secret else None)


class DataPaths:
    """Where things live inside the data dir."""

    def __init__(self, root: Path):
        self.root = root
        self.sessions = root / "sessions"
        self.artifacts = root / "artifacts"
        self.uploads = root / "uploads"
        self.browser = root / "browser"

    def ensure(self) -> None:
        from core.private import private_dir

        for p in (self.root, self.sessions, self.artifacts, self.uploads, self.browser):
            private_dir(p)


def get_settings() -> Settings:
    return Settings()
