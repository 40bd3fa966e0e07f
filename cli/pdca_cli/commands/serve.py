"""``pdca serve``: the office in the browser (the web front end, ``pdca_web``)."""

from __future__ import annotations

from typing import Any

import click

from pdca_cli._context import CliContext


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址。")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口。"
)
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(1, 200),
    help="处理请求的线程数（PostgreSQL 连接池同此大小）。",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="处理请求的进程数（每个进程一个 CPU 核；后台更新视图的只有主进程的一个线程）。",
)
@click.option(
    "--session-minutes",
    default=30,
    show_default=True,
    type=click.IntRange(1, 24 * 60),
    help="会话闲置多少分钟后失效。",
)
@click.option(
    "--secure-cookies", is_flag=True, help="Cookie 仅经 HTTPS 发送（nginx 等以 TLS 代理时）。"
)
@click.option(
    "--proxy",
    metavar="地址",
    help="本服务在反向代理（如 nginx）之后时，代理的 IP 地址（多个以逗号分隔）：来自它的请求，"
    "客户地址取自 X-Forwarded-For；不设则一律取自连接（登录与测评票链接按地址限次）。",
)
@click.pass_obj
def serve(
    obj: CliContext,
    host: str,
    port: int,
    threads: int,
    workers: int,
    session_minutes: int,
    secure_cookies: bool,
    proxy: str | None,
) -> None:
    """启动网页服务：领导看排名、单位填报、督查录入、群众测评。

    会话密钥取自环境变量 PDCA_SESSION_SECRET 或 PDCA_SESSION_SECRET_FILE 所指文件
    （多个进程须相同）；单机 SQLite 可不设，密钥保存在工作区。

    \b
    示例:
      pdca serve --port 8000
      pdca serve --port 8000 --workers 4
      PDCA_SESSION_SECRET_FILE=/etc/pdca/secret pdca serve --host 127.0.0.1 --port 8001
    """
    import os

    # Before the application opens its pools: they are sized to the handlers' threads.
    os.environ["PDCA_POOL_SIZE"] = str(threads)
    import uvicorn
    from pdca_web.access_log import log_config
    from pdca_web.app import create_app
    from pdca_web.office import Office
    from pdca_web.settings import Settings, load_secret, proxies

    trusted = proxies(proxy)  # refused before anything is opened

    workspace = obj.workspace()
    database = workspace.database
    local = workspace.root if database.kind == "sqlite" else None
    settings = Settings(
        workspace=str(workspace.root),
        db=obj.db_option,
        secret=load_secret(dict(os.environ), local),
        threads=threads,
        session_minutes=session_minutes,
        secure_cookies=secure_cookies,
    )
    office = Office.open(settings)  # refused here, as one line, before uvicorn starts
    from pdca.application.serving import service_problem

    problem = service_problem(office.app, office.principal)
    if problem:
        click.echo(f"注意：{problem}", err=True)
    click.echo(f"网页服务：http://{host}:{port}/（Ctrl-C 停止）", err=True)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": log_config(),
        # X-Forwarded-For only from the proxy the deployment names: a client talking to
        # the server directly cannot choose the address its throttling counts against.
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted,
        "server_header": False,
    }
    if workers == 1:
        uvicorn.run(create_app(settings, office), **options)
        return
    from pdca_web import workers as worker_processes

    # The workers open the workspace themselves; this process follows the views for all.
    worker_processes.export(settings, local)
    office.settings = worker_processes.for_parent(office.settings)
    office.start()
    try:
        worker_processes.run(workers, options)
    finally:
        office.stop()
