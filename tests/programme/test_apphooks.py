"""common/apphooks.py: an app's contributions found by convention, in INSTALLED_APPS order, third-party apps left
out."""

from common.apphooks import app_functions
from programme import demo as programme_demo
from programme import todos


def test_the_functions_of_the_projects_apps_are_found_in_installed_apps_order():
    seeds = app_functions("demo", "seed")
    modules = [function.__module__ for function in seeds]
    assert modules.index("organisations.demo") < modules.index("dialogs.demo") < modules.index("programme.demo")
    assert programme_demo.seed in seeds
    assert todos.todos in app_functions("todos", "todos")
    assert all(not module.startswith("django") for module in modules)
    assert app_functions("todos", "no_such_function") == []
