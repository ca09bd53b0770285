# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._validate import check_cron


@pytest.mark.parametrize("expression", [
    "0 3 * * *", "*/15 * * * *", "0 0 1,15 * mon-fri", "30 2 * jan-mar 0", "0 0 L * *", "0 0 * * 5L",
    "0 0 * * 1#2", "0 22 * * 1-5", "0 4 * * 7", "5-55/10 * * * *", " 0 3 * * * ",
])
def test_cron_dokploy_runs_is_accepted(expression):
    assert check_cron(expression, "schedule") == expression


@pytest.mark.parametrize("expression, says", [
    ("daily", "five fields"), ("0 3 * *", "five fields"), ("0 3 * * * *", "five fields"),
    ("60 * * * *", "minute '60' is not 0-59"), ("* 24 * * *", "hour '24' is not 0-23"),
    ("0 0 0 * *", "day of month '0' is not 1-31"), ("* * * 13 *", "month '13' is not 1-12"),
    ("* * * * 8", "day of week '8' is not 0-7"), ("*/0 * * * *", "steps by 0"),
    ("5-1 * * * *", "runs backwards"), ("0 3 * * monday", "day of week 'monday'"), ("0 3,, * * *", "hour ''"),
])
def test_cron_dokploy_would_never_run_is_refused_naming_the_option(expression, says):
    with pytest.raises(DokployError) as caught:
        check_cron(expression, "schedule")
    assert str(caught.value).startswith("option schedule: ") and says in str(caught.value)


def test_unset_cron_passes():
    assert check_cron(None, "schedule") is None
