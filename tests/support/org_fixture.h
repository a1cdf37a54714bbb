// A small org directory for unit tests: seven departments with their heads,
// a management chain up to the CEO, one region with a store, and customers
// with and without an account manager, and one whose account manager has
// left (p-am-left, active: false). The org directory's own tests and
// assignment's routing tests both read it.
#pragma once

namespace voc::testing {

inline const char kDirectoryYaml[] = R"(departments:
  - {id: executive, name: {zh: 总裁办, en: Executive}, head: p-ceo}
  - {id: customer_success, name: {zh: 客户成功部, en: Customer Success}, head: p-head-cs}
  - {id: customer_service, name: {zh: 客服中心, en: Customer Service}, head: p-head-service}
  - {id: logistics, name: {zh: 物流部, en: Logistics}, head: p-head-logistics}
  - {id: store_operations, name: {zh: 门店运营部, en: Store Operations}, head: p-head-stores}
  - {id: legal, name: {zh: 法务部, en: Legal}, head: p-counsel}
  - {id: pr, name: {zh: 品牌公关部, en: PR}, head: p-pr}
people:
  - {id: p-ceo, name: CEO, department: executive}
  - {id: p-head-cs, name: Head CS, department: customer_success, manager: p-ceo}
  - {id: p-am, name: Account Manager, department: customer_success, manager: p-head-cs}
  - {id: p-head-service, name: Head Service, department: customer_service, manager: p-ceo}
  - {id: p-head-logistics, name: Head Logistics, department: logistics, manager: p-ceo}
  - {id: p-head-stores, name: Head Stores, department: store_operations, manager: p-ceo}
  - {id: p-east, name: East Manager, department: store_operations, manager: p-head-stores}
  - {id: p-counsel, name: Counsel, department: legal, manager: p-ceo}
  - {id: p-pr, name: PR, department: pr, manager: p-ceo}
  - {id: p-am-left, name: Former AM, department: customer_success, manager: p-head-cs, active: false}
regions:
  - {id: east, name: {zh: 华东, en: East}, manager: p-east}
stores:
  - {id: store-sh-001, name: {zh: 上海店, en: Shanghai}, region: east}
customers:
  - {id: c-with-am, name: A, tier: vip, account_manager: p-am}
  - {id: c-no-am, name: B, tier: standard}
  - {id: c-left-am, name: C, tier: vip, account_manager: p-am-left}
)";

}  // namespace voc::testing
