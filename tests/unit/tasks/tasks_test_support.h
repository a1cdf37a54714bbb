// Fixture for the tasks unit tests: the tracking fixture (migrated SQLite,
// FakeClock, TrackingService) plus a directory with a warehouse department
// (a chain: p-wh-li -> p-wh-mgr -> p-wh-head) and the task and project
// services over the same database.
#pragma once

#include <gtest/gtest.h>

#include "services/tracking/store/project_store.h"
#include "services/tracking/store/task_store.h"
#include "services/tracking/tasks/action_item_watcher.h"
#include "services/tracking/tasks/project_workflow.h"
#include "services/tracking/tasks/task_service.h"
#include "tests/unit/tracking/tracking_test_support.h"

namespace voc::tracking::tasks::testing {

inline const char kTasksDirectoryYaml[] = R"(
departments:
  - {id: customer_success, name: {zh: 客户成功部, en: Customer Success}, head: p-head-cs}
  - {id: warehouse, name: {zh: 仓储部, en: Warehouse}, head: p-wh-head}
  - {id: voc_office, name: {zh: 客户之声办公室, en: VoC Office}, head: p-voc-chair}
people:
  - {id: p-head-cs, name: Head CS, department: customer_success}
  - {id: p-am, name: Account Manager, department: customer_success, manager: p-head-cs}
  - {id: p-wh-head, name: Head Warehouse, department: warehouse}
  - {id: p-wh-mgr, name: Warehouse Manager, department: warehouse, manager: p-wh-head}
  - {id: p-wh-li, name: Li, department: warehouse, manager: p-wh-mgr}
  - {id: p-wh-left, name: Left, department: warehouse, manager: p-wh-mgr, active: false}
  - {id: p-voc-chair, name: VoC Chair, department: voc_office}
  - {id: p-voc-member, name: VoC Member, department: voc_office, manager: p-voc-chair}
)";

class TasksFixture : public voc::tracking::testing::TrackingFixture {
 protected:
  void SetUp() override {
    TrackingFixture::SetUp();
    directory_ = std::make_shared<const org::OrgDirectory>(
        org::OrgDirectory::Parse(kTasksDirectoryYaml).value());
    task_store_ = std::make_unique<TaskStore>(*db_);
    project_store_ = std::make_unique<ProjectStore>(*db_);
    tasks_ = std::make_unique<TaskService>(*task_store_, *store_, clock_, directory_);
    workflow_ = std::make_unique<ProjectWorkflow>(
        *store_, *project_store_, clock_, directory_,
        ParseCommittee("p-voc-chair, p-voc-member", *directory_).value());
  }

  // A person of the directory as the gateway acts for them (issue 9):
  // their department, and its headship when they head it.
  auth::Principal PersonOf(const std::string& person_id) const {
    const org::Person* person = directory_->FindPerson(person_id);
    EXPECT_NE(person, nullptr) << person_id;
    const std::string department = person ? person->department : "";
    const org::Department* d = directory_->FindDepartment(department);
    return TestPerson(person_id, department, {}, d != nullptr && d->head == person_id);
  }

  std::unique_ptr<TaskStore> task_store_;
  std::unique_ptr<ProjectStore> project_store_;
  std::unique_ptr<TaskService> tasks_;
  std::unique_ptr<ProjectWorkflow> workflow_;
};

}  // namespace voc::tracking::tasks::testing
